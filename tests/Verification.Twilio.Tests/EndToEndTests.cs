using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Verification.Twilio.Tests;

/// <summary>
/// The whole path: <see cref="IVerificationService.SendAsync"/> with the sender registered by <c>AddTwilioSms</c>,
/// the Kestrel stand-in as Twilio, and the service's failover to the next SMS sender.
/// </summary>
public sealed partial class EndToEndTests
{
    private const string Phone = "+86 15588665555";

    [Fact]
    public async Task SendAsync_ThroughTwilio_DeliversABodyWithTheCodeThatVerifies()
    {
        await using var standIn = await TwilioStandIn.StartAsync();
        var services = new ServiceCollection();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true).AddTwilioSms(o =>
        {
            o.AccountSid = TestAccount.AccountSid;
            o.AuthToken = TestAccount.AuthToken;
            o.From = TestAccount.From;
            o.Endpoint = standIn.Endpoint;
        });
        await using var provider = services.BuildServiceProvider();
        var service = provider.GetRequiredService<IVerificationService>();

        var sent = await service.SendAsync(new VerificationRequest(PhoneNumber: Phone));

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Empty(standIn.Problems);
        var request = Assert.Single(standIn.Requests);
        Assert.Equal("+8615588665555", request.Fields["To"]);
        var code = CodePattern().Match(request.Fields["Body"]).Value;
        Assert.NotEmpty(code);
        var verified = await service.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, code));
        Assert.True(verified.Succeeded, verified.ToString());
    }

    [Fact]
    public async Task AddTwilioSms_OnATenantsBuilder_SendsThatTenantsMessagesOnly()
    {
        await using var standIn = await TwilioStandIn.StartAsync();
        var outbox = new FakeSmsSender();
        var services = new ServiceCollection();
        services.AddVerification(o => o.Tokens.AllowEphemeralKey = true).AddSmsSender(outbox);
        var tenant = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Tenants:A:ProjectId"] = "a", ["Tenants:A:Tokens:AllowEphemeralKey"] = "true" })
            .Build().GetSection("Tenants:A");
        services.AddVerification("tenant-a", tenant).AddTwilioSms(o => Configure(o, standIn));
        await using var provider = services.BuildServiceProvider();

        var byDefault = await provider.GetRequiredService<IVerificationService>().SendAsync(new VerificationRequest(PhoneNumber: Phone));
        Assert.True(byDefault.Succeeded, byDefault.ToString());
        Assert.Empty(standIn.Requests);
        var byTenant = await provider.GetRequiredKeyedService<IVerificationService>("tenant-a").SendAsync(new VerificationRequest(PhoneNumber: Phone));

        Assert.True(byTenant.Succeeded, byTenant.ToString());
        Assert.Single(standIn.Requests);
        Assert.Single(outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_WhenTwilioRefusesTheNumber_AnswersInvalidPhoneNumberWithoutFailover()
    {
        await using var standIn = await TwilioStandIn.StartAsync(then: Answer.Error(400, 21211, "The 'To' number is not a valid phone number."));
        var outbox = new FakeSmsSender();
        using var h = new Harness(b => b.AddTwilioSms(o => Configure(o, standIn)).AddSmsSender(outbox));

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone));

        Assert.False(sent.Succeeded);
        Assert.Equal(VerificationErrorCodes.InvalidPhoneNumber, sent.Error.Code);
        Assert.Single(standIn.Requests);
        Assert.Empty(outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_WhenTwilioThrottlesOnce_RetriesOnTwilioWhichDelivers()
    {
        await using var standIn = await TwilioStandIn.StartAsync(script: [Answer.Error(429, 20429, "Too Many Requests")]);
        var outbox = new FakeSmsSender();
        using var h = new Harness(
            b => b.AddTwilioSms(o => Configure(o, standIn)).AddSmsSender(outbox),
            services: s => s.Configure<VerificationOptions>(o => o.Delivery.RetryDelay = TimeSpan.Zero));

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone));

        // 429 means "never processed": the service's pipeline retries the same provider, no duplicate is possible.
        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Equal(2, standIn.Requests.Count);
        Assert.Empty(outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_WhenTwilioThrottles_FailsOverToTheNextSmsSender()
    {
        await using var standIn = await TwilioStandIn.StartAsync(script: [Answer.Error(429, 20429, "Too Many Requests")]);
        var outbox = new FakeSmsSender();
        using var h = new Harness(
            b => b.AddTwilioSms(o => Configure(o, standIn)).AddSmsSender(outbox),
            services: s => s.Configure<VerificationOptions>(o => o.Delivery.MaxRetries = 0));

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone));

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Single(standIn.Requests);
        Assert.Equal("+8615588665555", Assert.Single(outbox.Messages).To);
    }

    [Fact]
    public async Task SendAsync_WhenTwilioIsDown_FailsOverToTheNextSmsSender()
    {
        var outbox = new FakeSmsSender();
        using var h = new Harness(b => b.AddTwilioSms(o =>
        {
            Harness.Account(o);
            o.Endpoint = TwilioStandIn.ClosedPortEndpoint();
        }).AddSmsSender(outbox));

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone));

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Single(outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_WhenTwilioRefusesForGood_DoesNotFailOverAndAnswersUnavailable()
    {
        await using var standIn = await TwilioStandIn.StartAsync(then: Answer.Error(400, 21610, "Attempt to send to unsubscribed recipient"));
        var outbox = new FakeSmsSender();
        using var h = new Harness(b => b.AddTwilioSms(o => Configure(o, standIn)).AddSmsSender(outbox));

        var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone));

        Assert.False(sent.Succeeded);
        Assert.Equal(VerificationErrorCodes.Unavailable, sent.Error.Code);
        Assert.Empty(outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_AfterAThrottledAttempt_RefundsTheCooldownSoTheNextSendGoesOut()
    {
        await using var standIn = await TwilioStandIn.StartAsync(script: [Answer.Error(429, 20429, "Too Many Requests")]);
        using var h = new Harness(
            b => b.AddTwilioSms(o => Configure(o, standIn)),
            services: s => s.Configure<VerificationOptions>(o => o.Delivery.MaxRetries = 0));

        var first = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone));
        var second = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone));

        Assert.False(first.Succeeded);
        Assert.Equal(VerificationErrorCodes.Unavailable, first.Error.Code);
        Assert.True(second.Succeeded, second.ToString());
        Assert.Equal(2, standIn.Requests.Count);
    }

    private static void Configure(TwilioSmsOptions o, TwilioStandIn standIn)
    {
        Harness.Account(o);
        o.Endpoint = standIn.Endpoint;
    }

    [GeneratedRegex(@"\b\d{4,10}\b")]
    private static partial Regex CodePattern();
}
