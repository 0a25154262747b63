using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Verification.Samples.Tests;

/// <summary>One sample server and one Playwright driver for the demo page tests.</summary>
public sealed class DemoPageFixture : IAsyncLifetime
{
    internal SampleServer Server { get; private set; } = null!;

    internal IPlaywright Playwright { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // No resend cooldown, so that a test can sign up and then sign in with the same contact at once.
        Server = await SampleServer.StartAsync("--Verification:Throttling:ResendCooldown=00:00:00");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        Playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

/// <summary>The demo page (wwwroot/index.html) in headless Chromium: sign up, then sign in, with a code each time.</summary>
[Trait("Requires", "browser")]
public sealed partial class DemoPageTests(DemoPageFixture fixture, ITestOutputHelper output) : IClassFixture<DemoPageFixture>
{
    private static readonly TimeSpan CodeTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Email_signs_up_then_signs_in()
    {
        var email = $"browser-{Guid.NewGuid():N}@example.com";
        await SignUpThenSignInAsync(email, expectedContact: email, screenshotName: "demo-email");
    }

    [Fact]
    public async Task Phone_number_signs_up_then_signs_in()
    {
        await SignUpThenSignInAsync("+86 155 8866 5555", expectedContact: "+8615588665555", screenshotName: "demo-phone");
    }

    private async Task SignUpThenSignInAsync(string contact, string expectedContact, string screenshotName)
    {
        Chromium.Require();
        var profile = Directory.CreateTempSubdirectory("verification-chromium-").FullName;
        var pageErrors = new List<string>();
        try
        {
            await using var context = await Chromium.LaunchAsync(fixture.Playwright, profile);
            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            page.PageError += (_, error) => pageErrors.Add(error);

            var response = await page.GotoAsync(fixture.Server.BaseUrl.ToString());
            Assert.NotNull(response);
            Assert.Equal(200, response.Status);
            await Expect(page).ToHaveTitleAsync("Verification sample");

            var signedUp = await SendAndVerifyAsync(page, contact);
            var up = Assert.Single(StatusPattern().Matches(signedUp));
            Assert.Equal("Signed up", up.Groups["done"].Value);
            Assert.Equal(expectedContact, up.Groups["contact"].Value);

            // Same contact again: is_user is now true, so the page signs in to the same account.
            var signedIn = await SendAndVerifyAsync(page, contact);
            var inMatch = Assert.Single(StatusPattern().Matches(signedIn));
            Assert.Equal("Signed in", inMatch.Groups["done"].Value);
            Assert.Equal(expectedContact, inMatch.Groups["contact"].Value);
            Assert.Equal(up.Groups["user"].Value, inMatch.Groups["user"].Value);
            await Expect(page.Locator("#verify-form")).ToBeHiddenAsync();

            var screenshot = Path.Combine(Path.GetTempPath(), "verification-samples-tests", screenshotName + ".png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            var bytes = await File.ReadAllBytesAsync(screenshot);
            Assert.True(bytes.Length > 8, $"{screenshot} is empty.");
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            output.WriteLine($"screenshot: {screenshot} ({bytes.Length} bytes)");

            Assert.Empty(pageErrors);
        }
        catch
        {
            output.WriteLine(fixture.Server.Transcript);
            throw;
        }
        finally
        {
            TryDelete(profile);
        }
    }

    /// <summary>Sends a code to <paramref name="contact"/>, types it in as a person would and returns the final status text.</summary>
    private async Task<string> SendAndVerifyAsync(IPage page, string contact)
    {
        var status = page.Locator("#status");
        var before = Pickup.Snapshot(fixture.Server.PickupDirectory);

        await page.GetByLabel("Phone number or email").FillAsync(contact);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send code", Exact = true }).ClickAsync();
        await Expect(status).ToHaveTextAsync(new Regex(@"^Code sent\. It expires in \d+ minutes\.$"));
        await Expect(page.Locator("#verify-form")).ToBeVisibleAsync();

        var code = await Pickup.WaitForCodeAsync(fixture.Server.PickupDirectory, contact, before, CodeTimeout);
        await page.GetByLabel("Code", new() { Exact = true }).FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify", Exact = true }).ClickAsync();
        await Expect(status).ToHaveTextAsync(StatusPattern());
        await Expect(status).ToHaveClassAsync("ok");

        var text = await status.TextContentAsync() ?? string.Empty;
        output.WriteLine($"{contact}: code {code} -> {text}");
        return text;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still hold a file for a moment; it is a temporary folder.
        }
    }

    [GeneratedRegex(@"^(?<done>Signed up|Signed in) as (?<contact>\S+) \(user (?<user>u_[0-9a-f]{12})\)\.$")]
    private static partial Regex StatusPattern();
}
