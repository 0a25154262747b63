using NSubstitute;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Testing.Tests;

public sealed class UseFakesTests
{
    [Fact]
    public async Task UseFakes_SendAndVerify_CodeReadFromTheOutbox()
    {
        using var provider = Fakes.Build();
        var service = provider.GetRequiredService<IVerificationService>();
        var sms = provider.GetRequiredService<FakeSmsSender>();

        var sent = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));
        Assert.True(sent.Succeeded, sent.ToString());
        var message = Assert.Single(sms.Messages);
        Assert.Equal("+8615588665555", message.To);
        Assert.Matches("^[0-9]{6}$", message.Code);
        Assert.Contains(message.Code, message.Body, StringComparison.Ordinal);

        var verified = await service.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, sms.LastCodeTo(Fakes.Phone)));
        Assert.True(verified.Succeeded, verified.ToString());
        var redeemed = await service.RedeemVerificationTokenAsync(verified.Value.VerificationToken);
        Assert.Equal("+8615588665555", redeemed.Value?.Contact);
    }

    [Fact]
    public async Task UseFakes_Email_GoesToTheFakeEmailSender()
    {
        using var provider = Fakes.Build();
        var service = provider.GetRequiredService<IVerificationService>();

        var sent = await service.SendAsync(new VerificationRequest(Email: "Someone@Example.com", Usage: VerificationUsage.SignIn));

        Assert.True(sent.Succeeded, sent.ToString());
        var message = provider.GetRequiredService<FakeEmailSender>().LastMessageTo("someone@example.com");
        Assert.NotNull(message);
        Assert.Equal(VerificationUsage.SignIn, message.Usage);
        Assert.NotNull(message.Subject);
        Assert.Empty(provider.GetRequiredService<FakeSmsSender>().Messages);
    }

    [Fact]
    public async Task UseFakes_SendersRegisteredBefore_Replaced()
    {
        var console = new StringWriter();
        using var provider = Fakes.Build(before: b => b.AddSmsSender(new ConsoleVerificationSender(console)).AddEmailSender<ConsoleVerificationSender>());
        var service = provider.GetRequiredService<IVerificationService>();

        var sent = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Empty(console.ToString());
        Assert.Single(provider.GetRequiredService<FakeSmsSender>().Messages);
        Assert.IsType<FakeSmsSender>(Assert.Single(provider.GetServices<ISmsSender>()));
        Assert.IsType<FakeEmailSender>(Assert.Single(provider.GetServices<IEmailSender>()));
    }

    [Fact]
    public async Task UseFakes_FixedCode_EverySendUsesIt()
    {
        using var provider = Fakes.Build(fakes: f => f.FixedCode = "123456", options: o => o.Throttling.ResendCooldown = TimeSpan.Zero);
        var service = provider.GetRequiredService<IVerificationService>();

        var first = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));
        var second = await service.SendAsync(new VerificationRequest(Email: "someone@example.com"));

        Assert.Equal("123456", provider.GetRequiredService<FakeSmsSender>().LastCode);
        Assert.Equal("123456", provider.GetRequiredService<FakeEmailSender>().LastCode);
        Assert.True((await service.VerifyAsync(new VerifyRequest(first.Value!.VerificationId, "123456"))).Succeeded);
        Assert.True((await service.VerifyAsync(new VerifyRequest(second.Value!.VerificationId, "123456"))).Succeeded);
    }

    [Fact]
    public async Task UseFakes_CodeSequence_EachSendTakesTheNextThenRandom()
    {
        using var provider = Fakes.Build(options: o => o.Throttling.ResendCooldown = TimeSpan.Zero);
        var service = provider.GetRequiredService<IVerificationService>();
        var codes = provider.GetRequiredService<FakeCodeGenerator>();
        var sms = provider.GetRequiredService<FakeSmsSender>();
        codes.Enqueue("000111", "000222");

        var first = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));
        var second = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));
        await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));

        Assert.Equal("000111", sms.Messages[0].Code);
        Assert.Equal("000222", sms.Messages[1].Code);
        Assert.Matches("^[0-9]{6}$", sms.Messages[2].Code);
        Assert.Equal(0, codes.Pending);

        // A resend makes the previous code invalid, chosen or not.
        Assert.Equal(VerificationErrorCodes.InvalidVerificationCode, (await service.VerifyAsync(new VerifyRequest(first.Value!.VerificationId, "000111"))).Error?.Code);
        Assert.Equal(VerificationErrorCodes.InvalidVerificationCode, (await service.VerifyAsync(new VerifyRequest(second.Value!.VerificationId, "000222"))).Error?.Code);
    }

    [Fact]
    public async Task UseFakes_FixedCodeOfAnotherLength_SendThrowsNamingTheSetting()
    {
        using var provider = Fakes.Build(fakes: f => f.FixedCode = "1234");
        var service = provider.GetRequiredService<IVerificationService>();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone)).AsTask());

        Assert.Contains("Verification:Code:Length", e.Message, StringComparison.Ordinal);
        Assert.Empty(provider.GetRequiredService<FakeSmsSender>().Messages);
    }

    [Fact]
    public void UseFakes_FixedCodeNotDigits_ThrowsAtRegistration()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>("configure", () => services.AddVerification().UseFakes(f => f.FixedCode = "abcdef"));
    }

    [Fact]
    public void UseFakes_RealSenderAddedAfter_ServiceRefused()
    {
        using var provider = Fakes.Build(fakes: f => f.FixedCode = "123456", after: b => b.AddSmsSender<ConsoleVerificationSender>());

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IVerificationService>());

        Assert.Contains(typeof(ConsoleVerificationSender).FullName!, e.Message, StringComparison.Ordinal);
        Assert.Contains("UseFakes()", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseFakes_RealSenderAddedAfter_HostRefusesToStart()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddVerification().UseFakes(f => f.FixedCode = "123456").AddEmailSender(new ConsoleVerificationSender(new StringWriter()));
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(typeof(ConsoleVerificationSender).FullName!, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseFakes_FakesOnly_HostStarts()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddVerification().AddConsoleSender().UseFakes(f => f.FixedCode = "123456");
        using var host = builder.Build();

        await host.StartAsync();
        var sent = await host.Services.GetRequiredService<IVerificationService>().SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));
        await host.StopAsync();

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Equal("123456", host.Services.GetRequiredService<FakeSmsSender>().LastCode);
    }

    [Fact]
    public async Task UseFakes_ServiceReplacedByTheApp_RefusedNamingAFixThatWorks()
    {
        using var provider = Fakes.Build(after: b => b.Services.AddSingleton<IVerificationService>(NSubstitute.Substitute.For<IVerificationService>()));
        Assert.IsNotType<VerificationService>(provider.GetRequiredService<IVerificationService>());

        var services = new ServiceCollection();
        services.AddVerification().Services.AddSingleton<IVerificationService>(NSubstitute.Substitute.For<IVerificationService>());
        services.AddVerification().UseFakes();
        using var replaced = services.BuildServiceProvider();

        var e = Assert.Throws<InvalidOperationException>(() => replaced.GetRequiredService<IVerificationService>());
        Assert.Contains("VerificationService", e.Message, StringComparison.Ordinal);
        Assert.Contains("register your replacement only outside tests", e.Message, StringComparison.Ordinal);

        // The advice works: the same registration without the replacement chooses the codes.
        var test = new ServiceCollection();
        test.AddVerification().UseFakes(f => f.FixedCode = "123456");
        using var fixedProvider = test.BuildServiceProvider();
        var sent = await fixedProvider.GetRequiredService<IVerificationService>().SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));
        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Equal("123456", fixedProvider.GetRequiredService<FakeSmsSender>().LastCode);
    }

    [Fact]
    public async Task UseFakes_FakeTimeProvider_CooldownEndsWhenTheClockAdvances()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
        using var provider = Fakes.Build(fakes: f => f.TimeProvider = clock);
        var service = provider.GetRequiredService<IVerificationService>();
        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());

        Assert.True((await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone))).Succeeded);

        clock.Advance(TimeSpan.FromSeconds(59));
        var early = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));
        Assert.Equal(VerificationErrorCodes.RateLimitExceeded, early.Error?.Code);
        Assert.Equal(VerificationErrorReasons.ResendCooldown, early.Error?.Reason);
        Assert.Equal(TimeSpan.FromSeconds(1), early.Error?.RetryAfter);

        clock.Advance(TimeSpan.FromSeconds(1));
        var resent = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));
        Assert.True(resent.Succeeded, resent.ToString());
        Assert.Equal(2, provider.GetRequiredService<FakeSmsSender>().Messages.Count);
    }

    [Fact]
    public async Task UseFakes_FakeTimeProvider_CodeExpiresWhenTheClockAdvances()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));
        using var provider = Fakes.Build(fakes: f => { f.TimeProvider = clock; f.FixedCode = "246810"; });
        var service = provider.GetRequiredService<IVerificationService>();

        var sent = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));
        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var late = await service.VerifyAsync(new VerifyRequest(sent.Value!.VerificationId, "246810"));

        Assert.Equal(VerificationErrorCodes.InvalidVerificationCode, late.Error?.Code);
    }

    [Fact]
    public async Task UseFakes_NotProcessedThenDelivered_RetriedWithoutWaitingForTheFakeClock()
    {
        var clock = new FakeTimeProvider();
        using var provider = Fakes.Build(fakes: f => f.TimeProvider = clock);
        var service = provider.GetRequiredService<IVerificationService>();
        var sms = provider.GetRequiredService<FakeSmsSender>();
        sms.FailNext(DeliveryFailureKind.NotProcessed);

        // The clock never moves: a retry delay on it would never end.
        var sent = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone)).AsTask().WaitAsync(Safety.Token());

        Assert.True(sent.Succeeded, sent.ToString());
        Assert.Equal(2, sms.Attempts);
        Assert.Single(sms.Messages);
        Assert.Equal(TimeSpan.Zero, provider.GetRequiredService<IOptions<VerificationOptions>>().Value.Delivery.RetryDelay);
    }

    [Fact]
    public async Task UseFakes_PermanentFailure_UnavailableAndCooldownRefunded()
    {
        using var provider = Fakes.Build();
        var service = provider.GetRequiredService<IVerificationService>();
        var sms = provider.GetRequiredService<FakeSmsSender>();
        sms.FailNext(DeliveryFailureKind.Permanent);

        var failed = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));
        var again = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));

        Assert.Equal(VerificationErrorCodes.Unavailable, failed.Error?.Code);
        Assert.True(again.Succeeded, again.ToString());
        Assert.Equal(2, sms.Attempts);
    }

    [Fact]
    public async Task UseFakes_InvalidRecipient_InvalidPhoneNumber()
    {
        using var provider = Fakes.Build();
        var service = provider.GetRequiredService<IVerificationService>();
        provider.GetRequiredService<FakeSmsSender>().FailNext(DeliveryFailureKind.InvalidRecipient);

        var failed = await service.SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));

        Assert.Equal(VerificationErrorCodes.InvalidPhoneNumber, failed.Error?.Code);
    }

    [Fact]
    public async Task UseFakes_SenderThrowsUnexpectedly_Unavailable()
    {
        using var provider = Fakes.Build();
        var service = provider.GetRequiredService<IVerificationService>();
        provider.GetRequiredService<FakeEmailSender>().FailAlways(DeliveryFailureKind.Transient);

        var failed = await service.SendAsync(new VerificationRequest(Email: "someone@example.com"));

        Assert.Equal(VerificationErrorCodes.Unavailable, failed.Error?.Code);
        Assert.Equal(VerificationErrorReasons.DeliveryFailed, failed.Error?.Reason);
    }

    [Fact]
    public void UseFakes_CalledTwice_SameFakesAndOneService()
    {
        var services = new ServiceCollection();
        services.AddVerification().UseFakes(f => f.FixedCode = "111111");
        services.AddVerification().UseFakes();
        using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<ISmsSender>());
        Assert.Single(provider.GetServices<IEmailSender>());
        Assert.Single(provider.GetServices<IVerificationService>());
        Assert.Equal("111111", provider.GetRequiredService<FakeCodeGenerator>().FixedCode);
        Assert.Same(provider.GetRequiredService<FakeCodeGenerator>(), provider.GetRequiredService<FakeCodeGenerator>());
    }

    [Fact]
    public async Task UseFakes_KeepAppParts_AppDirectoryAndCaptchaStay()
    {
        var appUsers = new FakeUserDirectory();
        appUsers.Add(Fakes.Phone);
        var appCaptcha = new FakeCaptchaValidator();
        using var provider = Fakes.Build(
            fakes: f => { f.ReplaceUserDirectory = false; f.ReplaceCaptchaValidator = false; },
            before: b => b.Services.AddSingleton<IUserDirectory>(appUsers).AddSingleton<ICaptchaValidator>(appCaptcha));

        Assert.Same(appUsers, provider.GetRequiredService<IUserDirectory>());
        Assert.Same(appCaptcha, provider.GetRequiredService<ICaptchaValidator>());
        Assert.Null(provider.GetService<FakeUserDirectory>());
        var sent = await provider.GetRequiredService<IVerificationService>().SendAsync(new VerificationRequest(PhoneNumber: Fakes.Phone));
        Assert.True(sent.Value?.IsUser);
    }

    [Fact]
    public void UseFakes_NoKeysConfigured_EphemeralKeyAllowed_ConfiguredKeysKept()
    {
        using var plain = Fakes.Build();
        Assert.True(plain.GetRequiredService<IOptions<VerificationOptions>>().Value.Tokens.AllowEphemeralKey);

        var hashKey = Convert.ToBase64String(new byte[32]);
        using var configured = Fakes.Build(options: o =>
        {
            o.Tokens.Algorithm = "HS256";
            o.Tokens.HashKey = hashKey;
            o.Tokens.SigningKeys.Add(new SigningKeyOptions { Secret = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) });
        });
        Assert.False(configured.GetRequiredService<IOptions<VerificationOptions>>().Value.Tokens.AllowEphemeralKey);
        Assert.NotNull(configured.GetRequiredService<IVerificationService>());
    }

    [Fact]
    public void UseFakes_WithoutAddVerificationServices_Throws()
    {
        var builder = NSubstitute.Substitute.For<IVerificationBuilder>();
        builder.Services.Returns(new ServiceCollection());

        var e = Assert.Throws<InvalidOperationException>(() => builder.UseFakes());
        Assert.Contains("AddVerification()", e.Message, StringComparison.Ordinal);
    }
}
