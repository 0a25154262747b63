using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Verification.TencentCloud.Tests;

/// <summary>
/// <c>AddVerificationTencentCloudSms()</c>: a signed, read-only <c>SmsPackagesStatistics</c> call against the stand-in,
/// which checks the signature independently; no SMS is sent.
/// </summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task AddVerificationTencentCloudSms_StandInAnswers_HealthyAfterASignedStatisticsReadAndNoSms()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Harness.Now);
        await using var standIn = await SendSmsStandIn.StartAsync(r => r.Headers["x-tc-action"] == "SmsPackagesStatistics" ? Answer.PackagesStatistics() : Answer.Ok(r), () => time.GetUtcNow());
        using var h = new HealthHarness(standIn.Endpoint);

        var report = await h.CheckAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal("verification-tencentcloud-sms", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Contains("verification", entry.Value.Tags);
        Assert.Empty(standIn.Problems);
        var request = Assert.Single(standIn.Requests);
        Assert.Equal("SmsPackagesStatistics", request.Headers["x-tc-action"]);
        Assert.Equal(Account.SmsSdkAppId, request.Fields["SmsSdkAppId"]);
        Assert.Equal("2026030116", request.Fields["BeginTime"]);
        Assert.Empty(request.PhoneNumberSet);
    }

    [Fact]
    public async Task AddVerificationTencentCloudSms_WrongSecretKey_UnhealthyWithTheErrorCodeAndNoSecret()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Harness.Now);
        await using var standIn = await SendSmsStandIn.StartAsync(_ => Answer.PackagesStatistics(), () => time.GetUtcNow());
        using var h = new HealthHarness(standIn.Endpoint, o => o.SecretKey = "wrong-secret-key-never-shown");

        var entry = Assert.Single((await h.CheckAsync()).Entries).Value;

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("AuthFailure.SignatureFailure", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-key-never-shown", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("signature mismatch", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddVerificationTencentCloudSms_ClosedPort_Unhealthy()
    {
        using var h = new HealthHarness(SendSmsStandIn.ClosedPortEndpoint());

        var entry = Assert.Single((await h.CheckAsync()).Entries).Value;

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("could not be reached", entry.Description, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(entry.Exception);
    }

    [Fact]
    public async Task AddVerificationTencentCloudSms_NotTencentJson_Unhealthy()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Harness.Now);
        await using var standIn = await SendSmsStandIn.StartAsync(_ => new Answer(502, "text/html", "<html>bad gateway</html>"), () => time.GetUtcNow());
        using var h = new HealthHarness(standIn.Endpoint);

        var entry = Assert.Single((await h.CheckAsync()).Entries).Value;

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("HTTP 502", entry.Description, StringComparison.Ordinal);
    }

    private sealed class HealthHarness : IDisposable
    {
        private readonly ServiceProvider _provider;

        public HealthHarness(Uri endpoint, Action<TencentCloudSmsOptions>? configure = null)
        {
            var services = new ServiceCollection().AddLogging();
            services.AddSingleton<TimeProvider>(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Harness.Now));
            services.AddVerification(o => o.Tokens.AllowEphemeralKey = true).AddTencentCloudSms(o =>
            {
                (o.SecretId, o.SecretKey, o.Region, o.SmsSdkAppId, o.TemplateId, o.SignName, o.Endpoint) =
                    (Account.SecretId, Account.SecretKey, Account.Region, Account.SmsSdkAppId, Account.TemplateId, Account.SignName, endpoint);
                configure?.Invoke(o);
            });
            services.AddHealthChecks().AddVerificationTencentCloudSms();
            _provider = services.BuildServiceProvider();
        }

        public Task<HealthReport> CheckAsync() => _provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        public void Dispose() => _provider.Dispose();
    }
}
