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
        // Default settings, so that the second send falls inside the 60 s resend cooldown.
        await using var server = await SampleServer.StartAsync();
        var email = $"cloudbase-{Guid.NewGuid():N}@example.com";
        var (requests, value) = await RunScriptAsync("compat.js", server, email);

        Assert.Equal($"@cloudbase/oauth {PinnedVersion(Samples.CloudBaseCompatDirectory)}", value("client"));

        // What the client calls: apiOrigin + "/auth" (its AUTH_API_PREFIX) + "/v1/…", with its client_id in the query.
        Assert.Equal(
            [
                "request: POST /auth/v1/verification?client_id=sample",
                "request: POST /auth/v1/verification/verify?client_id=sample",
                "request: POST /auth/v1/verification?client_id=sample",
                "request: POST /auth/v1/verification?client_id=sample",
            ],
            requests);

        Assert.Equal("600", value("expires_in"));
        Assert.Equal("false", value("is_user"));
        Assert.Matches(@"^\d{6} \(", value("code"));
        var token = value("verification_token");
        Assert.Equal(3, token.Split('.').Length);
        Assert.Equal("600", value("token_expires_in"));

        // Errors reach the caller as the body the sample sent: error, error_code, details.
        Assert.Matches(@"^rate_limit_exceeded error_code=4029 reason=resend_cooldown retry_after=\d+ error_uri=/auth/v1/verification$", value("error (cooldown)"));
        Assert.Matches(@"^invalid_argument error_code=4000 reason=\S+ field=email error_uri=/auth/v1/verification$", value("error (bad email)"));
        Assert.Equal("ok", value("result"));

        // The verification_token the client got is a real one: the sample's sign-up redeems it.
        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var signup = await http.PostAsJsonAsync("auth/v1/signup", new Dictionary<string, string> { ["verification_token"] = token });
        var body = await signup.Content.ReadAsStringAsync();
        Assert.True(signup.IsSuccessStatusCode, body);
        using var account = JsonDocument.Parse(body);
        Assert.Equal("signed_up", account.RootElement.GetProperty("status").GetString());
        Assert.Equal(email, account.RootElement.GetProperty("contact").GetString());
    }

    [Fact]
    public async Task Passwordless_flow_of_the_CloudBase_client_signs_up_signs_in_and_refreshes_against_the_sample_with_Identity_users()
    {
        // Users in ASP.NET Core Identity on a SQLite file of this test; no resend cooldown, so that the sign-in's code
        // may follow the sign-up's at once.
        var database = Path.Combine(Path.GetTempPath(), $"verification-identity-{Guid.NewGuid():N}.db");
        try
        {
            await using var server = await SampleServer.StartAsync("--Sample:Users=Identity", $"--Sample:UsersDatabase={database}", "--Verification:Throttling:ResendCooldown=00:00:00");
            var phone = $"+86 138{Random.Shared.Next(0, 100_000_000):D8}";
            var e164 = phone.Replace(" ", string.Empty, StringComparison.Ordinal);
            var (requests, value) = await RunScriptAsync("identity.js", server, phone);

            Assert.Equal(
                [
                    "request: POST /auth/v1/verification?client_id=sample",
                    "request: POST /auth/v1/verification/verify?client_id=sample",
                    "request: POST /auth/v1/signup?client_id=sample",
                    "request: GET /auth/v1/user/me",
                    "request: POST /auth/v1/verification?client_id=sample",
                    "request: POST /auth/v1/verification/verify?client_id=sample",
                    "request: POST /auth/v1/signin?client_id=sample",
                    "request: GET /auth/v1/user/me",
                    "request: POST /auth/v1/token?client_id=sample",
                    "request: GET /auth/v1/user/me",
                ],
                requests);

            Assert.Equal("false", value("is_user (sign-up)"));
            Assert.Equal("Bearer", value("sign-up token_type"));
            Assert.Equal("3600", value("sign-up expires_in"));
            var sub = value("sign-up sub");
            Assert.True(Guid.TryParse(sub, out _), sub);
            Assert.Equal($"{sub} {e164} CloudBase Client", value("sign-up user"));
            Assert.Equal("true", value("is_user (sign-in)"));
            Assert.Equal(sub, value("sign-in sub"));
            Assert.Equal($"{sub} {e164}", value("sign-in user"));
            Assert.Equal($"true {sub}", value("refreshed"));
            Assert.Equal("true", value("stored refreshed"));
            Assert.Equal(sub, value("refreshed user"));
            Assert.Equal("ok", value("result"));
            Assert.True(File.Exists(database), "The sample created its SQLite user database on first run.");
        }
        finally
        {
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(database)!, Path.GetFileName(database) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>
    /// Runs a script of tests/cloudbase-compat against the sample and asserts it exits 0: the requests it printed
    /// (method, path and query) and a reader of its "key: value" lines.
    /// </summary>
    private async Task<(string[] Requests, Func<string, string> Value)> RunScriptAsync(string script, SampleServer server, string argument)
    {
        var directory = Samples.CloudBaseCompatDirectory;
        await EnsureNodeModulesAsync(directory);
        using var node = await ChildProcess.RunAsync("node", [script, server.BaseUrl.ToString().TrimEnd('/'), server.PickupDirectory, argument], directory, ScriptTimeout);
        output.WriteLine(node.Transcript);
        Assert.True(node.ExitCode == 0, $"{script} exited with code {node.ExitCode}.\n{node.Transcript}\n--- sample ---\n{server.Transcript}");

        var lines = node.StandardOutput.Split('\n');
        var transcript = node.Transcript;
        var requests = lines.Where(l => l.StartsWith("request: ", StringComparison.Ordinal)).Select(r => r.Split(" content-type=")[0]).ToArray();
        return (requests, key =>
            lines.FirstOrDefault(l => l.StartsWith(key + ": ", StringComparison.Ordinal))?[(key.Length + 2)..]
            ?? throw new Xunit.Sdk.XunitException($"{script} printed no '{key}:' line.\n{transcript}"));
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
