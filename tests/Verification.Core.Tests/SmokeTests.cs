using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task SendThenVerify_WithCorrectCode_ReturnsTokenThatRedeemsOnce()
    {
        var options = new VerificationOptions();
        options.Tokens.AllowEphemeralKey = true;
        var outbox = new FakeSmsSender();
        var service = new VerificationService(Options.Create(options), new InMemoryCodeStore(), [outbox], [new FakeEmailSender()], timeProvider: new FakeTimeProvider(DateTimeOffset.UtcNow));

        var sent = await service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 5555"));
        Assert.True(sent.Succeeded, sent.ToString());
        var verified = await service.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, outbox.Messages.Single().Code));
        Assert.True(verified.Succeeded, verified.ToString());
        var redeemed = await service.RedeemVerificationTokenAsync(verified.Value.VerificationToken);
        Assert.True(redeemed.Succeeded, redeemed.ToString());
        Assert.Equal("+8615588665555", redeemed.Value.Contact);
        var again = await service.RedeemVerificationTokenAsync(verified.Value.VerificationToken);
        Assert.False(again.Succeeded);
    }
}
