using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Verification.Samples.Tests;

/// <summary>
/// The official CloudBase auth client, npm's <c>@cloudbase/oauth</c> at the version pinned in
/// tests/cloudbase-compat/package.json, driven from Node by tests/cloudbase-compat/compat.js against the sample.
/// </summary>
[Trait("Requires", "node")]
public sealed class CloudBaseCompatTests(ITestOutputHelper output)
{
    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task GetVerification_and_verify_of_the_CloudBase_client_work_against_the_sample()
    {
        var directory = Samples.CloudBaseCompatDirectory;
        await EnsureNodeModulesAsync(directory);

        // Default settings, so that the second send falls inside the 60 s resend cooldown.
        await using var server = await SampleServer.StartAsync();
        var baseUrl = server.BaseUrl.ToString().TrimEnd('/');
        var email = $"cloudbase-{Guid.NewGuid():N}@example.com";
        using var node = await ChildProcess.RunAsync("node", ["compat.js", baseUrl, server.PickupDirectory, email], directory, ScriptTimeout);
        output.WriteLine(node.Transcript);
        Assert.True(node.ExitCode == 0, $"compat.js exited with code {node.ExitCode}.\n{node.Transcript}\n--- sample ---\n{server.Transcript}");

        var lines = node.StandardOutput.Split('\n');
        string Value(string key) =>
            lines.FirstOrDefault(l => l.StartsWith(key + ": ", StringComparison.Ordinal))?[(key.Length + 2)..]
            ?? throw new Xunit.Sdk.XunitException($"compat.js printed no '{key}:' line.\n{node.Transcript}");

        Assert.Equal($"@cloudbase/oauth {PinnedVersion(directory)}", Value("client"));

        // What the client calls: apiOrigin + "/auth" (its AUTH_API_PREFIX) + "/v1/…", with its client_id in the query.
        var requests = lines.Where(l => l.StartsWith("request: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            [
                "request: POST /auth/v1/verification?client_id=sample",
                "request: POST /auth/v1/verification/verify?client_id=sample",
                "request: POST /auth/v1/verification?client_id=sample",
                "request: POST /auth/v1/verification?client_id=sample",
            ],
            requests.Select(r => r.Split(" content-type=")[0]));

        Assert.Equal("600", Value("expires_in"));
        Assert.Equal("false", Value("is_user"));
        Assert.Matches(@"^\d{6} \(", Value("code"));
        var token = Value("verification_token");
        Assert.Equal(3, token.Split('.').Length);
        Assert.Equal("600", Value("token_expires_in"));

        // Errors reach the caller as the body the sample sent: error, error_code, details.
        Assert.Matches(@"^rate_limit_exceeded error_code=4029 reason=resend_cooldown retry_after=\d+ error_uri=/auth/v1/verification$", Value("error (cooldown)"));
        Assert.Matches(@"^invalid_argument error_code=4000 reason=\S+ field=email error_uri=/auth/v1/verification$", Value("error (bad email)"));
        Assert.Equal("ok", Value("result"));

        // The verification_token the client got is a real one: the sample's sign-up redeems it.
        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var signup = await http.PostAsJsonAsync("auth/v1/signup", new Dictionary<string, string> { ["verification_token"] = token });
        var body = await signup.Content.ReadAsStringAsync();
        Assert.True(signup.IsSuccessStatusCode, body);
        using var account = JsonDocument.Parse(body);
        Assert.Equal("signed_up", account.RootElement.GetProperty("status").GetString());
        Assert.Equal(email, account.RootElement.GetProperty("contact").GetString());
    }

    /// <summary>Installs the locked packages with `npm ci` when node_modules is missing (eng/test.sh normally did).</summary>
    private async Task EnsureNodeModulesAsync(string directory)
    {
        if (Directory.Exists(Path.Combine(directory, "node_modules", "@cloudbase", "oauth")))
        {
            return;
        }

        output.WriteLine($"node_modules is missing in {directory}: running npm ci");
        using var npm = await ChildProcess.RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], directory, NpmTimeout);
        Assert.True(npm.ExitCode == 0, $"npm ci failed in {directory} (run eng/test.sh, or npm ci there).\n{npm.Transcript}");
    }

    private static string PinnedVersion(string directory)
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "package.json")));
        return package.RootElement.GetProperty("dependencies").GetProperty("@cloudbase/oauth").GetString()!;
    }
}
