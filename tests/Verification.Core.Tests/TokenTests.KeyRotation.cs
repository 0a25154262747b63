using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Tests;

public sealed partial class TokenTests
{
    [Fact]
    public async Task VerifyAsync_IdSignedByOldKeyAfterRotation_Verifies()
    {
        var (before, after) = Rotate(oldKeyAfter: OtherPem.Value);
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
        var (before, after) = Rotate(oldKeyAfter: OtherPem.Value);
        var token = await VerificationTokenAsync(before);

        var redeemed = await after.Service.RedeemVerificationTokenAsync(token);

        Assert.True(redeemed.Succeeded, redeemed.ToString());
    }

    [Fact]
    public async Task VerifyAsync_OldKeyKeptAsPublicKeyOnly_StillValidatesItsIds()
    {
        using var old = RSA.Create();
        old.ImportFromPem(OtherPem.Value);
        var (before, after) = Rotate(oldKeyAfter: old.ExportSubjectPublicKeyInfoPem());
        var (oldId, code) = await SendAsync(before);

        await AssertVerifiesAsync(after, oldId, code);
    }

    [Fact]
    public async Task VerifyAsync_IdSignedByRetiredKey_IsUnknown()
    {
        var (before, retired) = Rotate(oldKeyAfter: null);
        var (oldId, code) = await SendAsync(before);

        await AssertVerifyRefusedAsync(retired, oldId, code, VerificationErrorReasons.Unknown);
    }

    /// <summary>
    /// One deployment before and after a key rotation, sharing its store and clock: before, the old key signs; after,
    /// the new key signs and the old one (<paramref name="oldKeyAfter"/>: its private or only its public PEM) still
    /// validates, or, when null, the old key is retired.
    /// </summary>
    private static (Harness Before, Harness After) Rotate(string? oldKeyAfter)
    {
        var store = new InMemoryCodeStore();
        var time = new FakeTimeProvider(Start);
        var before = CreateHarness(o => o.Tokens.SigningKeys = [new SigningKeyOptions { KeyId = OldKeyId, Pem = OtherPem.Value }], store, time);
        var after = CreateHarness(
            o =>
            {
                if (oldKeyAfter is not null)
                {
                    o.Tokens.SigningKeys.Add(new SigningKeyOptions { KeyId = OldKeyId, Pem = oldKeyAfter });
                }
            },
            store,
            time);
        return (before, after);
    }
}
