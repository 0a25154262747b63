using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Verification.Adversarial.Tests;

/// <summary>
/// The default key id of an HS256 secret: once a public prefix of SHA-256 of the secret (a fingerprint that lets
/// anyone test guesses of the secret offline and tell deployments that share one), now its position in the list,
/// the same on every instance, so instances sharing the secret accept each other's tokens.
/// </summary>
public sealed class KeyIdTests
{
    [Fact]
    public async Task SendAsync_Hs256SecretWithoutKeyId_KeyIdNotDerivedFromTheSecretAndOtherInstancesStillVerify()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var store = new InMemoryCodeStore();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ServiceHarness.Start);
        var outbox = new FakeSmsSender();
        var first = Instance(secret, store, time, outbox);
        var second = Instance(secret, store, time, outbox);

        var sent = ResultAssert.Succeeded(await first.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
        var kid = Header(sent.VerificationId)["kid"]!.GetValue<string>();
        var verified = ResultAssert.Succeeded(await second.VerifyAsync(new VerifyRequest(sent.VerificationId, outbox.LastCode!)));
        var secondKid = Header(verified.VerificationToken)["kid"]!.GetValue<string>();

        Assert.NotEqual(Base64UrlEncoder.Encode(SHA256.HashData(secret).AsSpan(0, 12).ToArray()), kid);
        Assert.DoesNotContain(Convert.ToHexString(SHA256.HashData(secret))[..8], kid, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(("hs256-0", "hs256-0"), (kid, secondKid));
        ResultAssert.Succeeded(await first.RedeemVerificationTokenAsync(verified.VerificationToken));
    }

    [Fact]
    public async Task VerifyAsync_UnknownKeyIdSignedWithAnotherSecret_Refused()
    {
        var store = new InMemoryCodeStore();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ServiceHarness.Start);
        var outbox = new FakeSmsSender();
        var attacker = Instance(RandomNumberGenerator.GetBytes(32), store, time, outbox);
        var victim = Instance(RandomNumberGenerator.GetBytes(32), store, time, outbox);

        var sent = ResultAssert.Succeeded(await attacker.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        ResultAssert.Failed(await victim.VerifyAsync(new VerifyRequest(sent.VerificationId, outbox.LastCode!)), VerificationErrorCodes.InvalidVerificationCode);
    }

    private static readonly string HashKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static VerificationService Instance(byte[] secret, ICodeStore store, TimeProvider time, FakeSmsSender outbox)
    {
        var options = ServiceHarness.CreateOptions();
        options.Tokens.SigningKeys = [new SigningKeyOptions { Secret = Convert.ToBase64String(secret) }];
        options.Tokens.HashKey = HashKey;
        return new VerificationService(MsOptions.Create(options), store, [outbox], [], timeProvider: time);
    }

    private static JsonObject Header(string jwt) => JsonNode.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[0]))!.AsObject();
}
