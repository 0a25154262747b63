using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Verification.AspNetCore.Tests;

/// <summary>Two projects on one host: MapVerificationEndpoints over keyed services, each with its own keys and outbox.</summary>
public sealed class TenantTests : IAsyncLifetime
{
    private readonly Tenant _a = new("tenant-a");
    private readonly Tenant _b = new("tenant-b");
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(o =>
        {
            o.Services = s =>
            {
                s.AddKeyedSingleton(_a.Key, _a.Service);
                s.AddKeyedSingleton(_b.Key, _b.Service);
            };
            o.AfterEndpoints = (app, _) =>
            {
                app.MapVerificationEndpoints("/tenant-a/auth/v1", serviceKey: _a.Key);
                app.MapVerificationEndpoints("/tenant-b/auth/v1", serviceKey: _b.Key);
            };
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task SendThenVerify_OnEachTenant_UsesThatTenantsSenderAndSucceeds()
    {
        foreach (var tenant in (Tenant[])[_a, _b])
        {
            var id = await SendAsync(tenant.Key);
            using var verified = await _app.PostAsync($"/{tenant.Key}/auth/v1/verification/verify", VerificationFlowTests.VerifyJson(id, tenant.Outbox.LastCode!));
            await Json.ReadSuccessAsync(verified);
        }

        Assert.Single(_a.Outbox.Messages);
        Assert.Single(_b.Outbox.Messages);
        Assert.Empty(_app.Messages);
    }

    [Fact]
    public async Task Verify_OnTheOtherTenant_RefusesTheVerificationId()
    {
        var id = await SendAsync(_a.Key);

        using var refused = await _app.PostAsync("/tenant-b/auth/v1/verification/verify", VerificationFlowTests.VerifyJson(id, _a.Outbox.LastCode!));

        var body = await Json.AssertErrorAsync(refused, HttpStatusCode.BadRequest, "invalid_verification_code", 4003);
        Assert.Equal("unknown", Json.Detail(body, "reason"));
    }

    [Fact]
    public async Task Redeem_OnTheOtherTenant_RefusesTheVerificationToken()
    {
        var id = await SendAsync(_a.Key);
        using var verified = await _app.PostAsync("/tenant-a/auth/v1/verification/verify", VerificationFlowTests.VerifyJson(id, _a.Outbox.LastCode!));
        var token = (await Json.ReadSuccessAsync(verified)).GetProperty("verification_token").GetString()!;

        var redeemed = await _b.Service.RedeemVerificationTokenAsync(token);

        Assert.False(redeemed.Succeeded);
        Assert.Equal(VerificationErrorCodes.InvalidVerificationToken, redeemed.Error.Code);
        Assert.True((await _a.Service.RedeemVerificationTokenAsync(token)).Succeeded);
    }

    [Fact]
    public async Task OpenApiOperationIds_OfTwoTenants_DoNotCollide()
    {
        var names = _app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IEndpointNameMetadata>()?.EndpointName)
            .OfType<string>()
            .ToList();

        Assert.Contains("SendVerification_tenant-a", names);
        Assert.Contains("SendVerification_tenant-b", names);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    private async Task<string> SendAsync(string tenant)
    {
        using var sent = await _app.PostAsync($"/{tenant}/auth/v1/verification", $$"""{"phone_number":"{{TestApp.Phone}}"}""");
        return (await Json.ReadSuccessAsync(sent)).GetProperty("verification_id").GetString()!;
    }

    /// <summary>A project registered by hand: its own container, ephemeral signing key, store and outbox.</summary>
    private sealed class Tenant : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        public Tenant(string key)
        {
            Key = key;
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddVerification(o =>
            {
                o.ProjectId = key;
                o.Tokens.AllowEphemeralKey = true;
            }).AddSmsSender(Outbox).AddEmailSender(new FakeEmailSender());
            _services = services.BuildServiceProvider();
            Service = _services.GetRequiredService<IVerificationService>();
        }

        public string Key { get; }

        public FakeSmsSender Outbox { get; } = new();

        public IVerificationService Service { get; }

        public ValueTask DisposeAsync() => _services.DisposeAsync();
    }
}
