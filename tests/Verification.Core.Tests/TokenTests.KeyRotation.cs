using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Tests;

public sealed partial class TokenTests
{
    [Fact]
    public async Task VerifyAsync_IdSignedByOldKeyAfterRotation_Verifies()
    {
        var store = new InMemoryCodeStore();
        var time = new FakeTimeProvider(Start);
        var before = CreateHarness(o => o.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = OldKeyId, Pem = OtherPem.Value }], store, time);
        var after = CreateHarness(
            o => o.Tokens.SigningKeys =
            [
                new SigningKeyOptions { KeyId = KeyId, Pem = SigningPem.Value },
                new SigningKeyOptions { KeyId = OldKeyId, Pem = OtherPem.Value },
            ],
            store,
            time);
        var (oldId, code) = await SendAsync(before);
        Assert.Equal(OldKeyId, Header(oldId)["kid"]!.GetValue<string>());

        var verified = await after.Service.VerifyAsync(new VerifyRequest(oldId, code));

        Assert.True(verified.Succeeded, verified.ToString());
        Assert.Equal(KeyId, Header(verified.Value.VerificationToken)["kid"]!.GetValue<string>());
        var (newId, _) = await SendAsync(after, "+86 155 8866 5556");
        Assert.Equal(KeyId, Header(newId)["kid"]!.GetValue<string>());
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_TokenSignedByOldKeyAfterRotation_Redeems()
    {
        var store = new InMemoryCodeStore();
        var time = new FakeTimeProvider(Start);
        var before = CreateHarness(o => o.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = OldKeyId, Pem = OtherPem.Value }], store, time);
        var after = CreateHarness(
            o => o.Tokens.SigningKeys =
            [
                new SigningKeyOptions { KeyId = KeyId, Pem = SigningPem.Value },
                new SigningKeyOptions { KeyId = OldKeyId, Pem = OtherPem.Value },
            ],
            store,
            time);
        var token = await VerificationTokenAsync(before);

        var redeemed = await after.Service.RedeemVerificationTokenAsync(token);

        Assert.True(redeemed.Succeeded, redeemed.ToString());
    }

    [Fact]
    public async Task VerifyAsync_OldKeyKeptAsPublicKeyOnly_StillValidatesItsIds()
    {
        using var old = RSA.Create();
        old.ImportFromPem(OtherPem.Value);
        var publicPem = old.ExportSubjectPublicKeyInfoPem();
        var store = new InMemoryCodeStore();
        var time = new FakeTimeProvider(Start);
        var before = CreateHarness(o => o.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = OldKeyId, Pem = OtherPem.Value }], store, time);
        var after = CreateHarness(
            o => o.Tokens.SigningKeys =
            [
                new SigningKeyOptions { KeyId = KeyId, Pem = SigningPem.Value },
                new SigningKeyOptions { KeyId = OldKeyId, Pem = publicPem },
            ],
            store,
            time);
        var (oldId, code) = await SendAsync(before);

        await AssertVerifiesAsync(after, oldId, code);
    }

    [Fact]
    public async Task VerifyAsync_IdSignedByRetiredKey_IsUnknown()
    {
        var store = new InMemoryCodeStore();
        var time = new FakeTimeProvider(Start);
        var before = CreateHarness(o => o.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = OldKeyId, Pem = OtherPem.Value }], store, time);
        var retired = CreateHarness(store: store, time: time);
        var (oldId, code) = await SendAsync(before);

        await AssertVerifyRefusedAsync(retired, oldId, code, VerificationErrorReasons.Unknown);
    }
}
