using Microsoft.Extensions.Time.Testing;

namespace Verification.Tests;

public sealed partial class TokenTests
{
    [Fact]
    public async Task VerifyAsync_VerificationIdOfAnotherProject_IsUnknown()
    {
        var store = new InMemoryCodeStore();
        var time = new FakeTimeProvider(Start);
        var projectA = CreateHarness(store: store, time: time);
        var projectB = CreateHarness(o => o.ProjectId = "proj-b", store, time);
        var (id, code) = await SendAsync(projectA);

        await AssertVerifyRefusedAsync(projectB, id, code, VerificationErrorReasons.Unknown);
        await AssertVerifiesAsync(projectA, id, code);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_TokenOfAnotherProject_IsUnknown()
    {
        var store = new InMemoryCodeStore();
        var time = new FakeTimeProvider(Start);
        var projectA = CreateHarness(store: store, time: time);
        var projectB = CreateHarness(o => o.ProjectId = "proj-b", store, time);
        var token = await VerificationTokenAsync(projectA);

        await AssertRedeemRefusedAsync(projectB, token, VerificationErrorReasons.Unknown);
        var genuine = await projectA.Service.RedeemVerificationTokenAsync(token);
        Assert.True(genuine.Succeeded, genuine.ToString());
    }

    [Fact]
    public async Task VerifyAsync_VerificationTokenPresentedAsVerificationId_IsUnknown()
    {
        var h = CreateHarness();
        var token = await VerificationTokenAsync(h);
        var (_, code) = await SendAsync(h, "+86 155 8866 5556");

        await AssertVerifyRefusedAsync(h, token, code, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_VerificationIdPresentedAsToken_IsUnknown()
    {
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);

        await AssertRedeemRefusedAsync(h, id, VerificationErrorReasons.Unknown);
        await AssertVerifiesAsync(h, id, code);
    }

    [Fact]
    public async Task VerifyAsync_VerificationIdClaimsResignedAsTokenType_IsUnknown()
    {
        // Even with a valid signature, a token whose typ is not vid+jwt is not a verification id.
        var h = CreateHarness();
        var (id, code) = await SendAsync(h);

        var forged = Resign(id, RsaKey(SigningPem.Value, KeyId), typ: "vt+jwt");

        await AssertVerifyRefusedAsync(h, forged, code, VerificationErrorReasons.Unknown);
    }
}
