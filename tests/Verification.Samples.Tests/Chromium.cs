using Microsoft.Playwright;

namespace Verification.Samples.Tests;

/// <summary>
/// Debian's Chromium at /usr/bin/chromium, driven by Playwright. No browser is ever downloaded
/// (never `playwright install`): eng/test.sh installs the package when it is missing.
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Per-step limit of every browser action and assertion.</summary>
    public const float StepTimeoutMs = 30_000;

    /// <summary>
    /// Flags for a machine whose only network is loopback: without the background-networking ones Chromium keeps
    /// trying to reach Google's hosts. Playwright adds --headless itself (Headless = true), and the fresh
    /// --user-data-dir is the folder given to LaunchPersistentContextAsync.
    /// </summary>
    private static readonly string[] Flags =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ];

    /// <summary>Fails the test (never skips it) when Chromium is missing, saying how to get it.</summary>
    public static void Require()
    {
        if (File.Exists(ExecutablePath))
        {
            return;
        }

        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Assert.Fail(ci
            ? $"Chromium is missing at {ExecutablePath} in CI: eng/test.sh (run by .ci/run) must install Debian's 'chromium' package before the tests."
            : $"Chromium is missing at {ExecutablePath}: run eng/test.sh, which installs Debian's 'chromium' package (apt-get install -y chromium) before running the tests.");
    }

    /// <summary>Launches headless Chromium with a fresh profile in <paramref name="userDataDirectory"/>.</summary>
    public static async Task<IBrowserContext> LaunchAsync(IPlaywright playwright, string userDataDirectory)
    {
        Require();
        var context = await playwright.Chromium.LaunchPersistentContextAsync(userDataDirectory, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Flags,
            Timeout = StepTimeoutMs,
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = 900, Height = 700 },
        });
        context.SetDefaultTimeout(StepTimeoutMs);
        context.SetDefaultNavigationTimeout(StepTimeoutMs);
        Assertions.SetDefaultExpectTimeout(StepTimeoutMs);
        return context;
    }
}
