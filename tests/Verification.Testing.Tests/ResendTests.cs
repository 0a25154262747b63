using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Verification;
using Verification.Testing;

namespace Verification.Testing.Tests;

// The service alone, no web stack: a fake clock walks past the resend cooldown, chosen codes are typed directly.
public sealed class ResendTests
{
    [Fact]
    public async Task Resend_AfterTheCooldown_OnlyTheNewCodeWorks()
    {
        var clock = new FakeTimeProvider(); // Microsoft.Extensions.TimeProvider.Testing
        var services = new ServiceCollection();
        services.AddVerification().UseFakes(fakes => fakes.TimeProvider = clock);
        using var provider = services.BuildServiceProvider();
        var verification = provider.GetRequiredService<IVerificationService>();
        var codes = provider.GetRequiredService<FakeCodeGenerator>();
        var request = new VerificationRequest(PhoneNumber: "+86 155 8866 5555");

        codes.FixedCode = "111111";
        var first = await verification.SendAsync(request);
        var tooSoon = await verification.SendAsync(request);
        Assert.Equal("resend_cooldown", tooSoon.Error?.Reason); // 60 s by default

        clock.Advance(TimeSpan.FromSeconds(60));
        codes.FixedCode = "222222";
        var second = await verification.SendAsync(request);

        var old = await verification.VerifyAsync(new VerifyRequest(first.Value!.VerificationId, "111111"));
        Assert.Equal("superseded", old.Error?.Reason);
        var verified = await verification.VerifyAsync(new VerifyRequest(second.Value!.VerificationId, "222222"));
        Assert.True(verified.Succeeded);
    }
}
