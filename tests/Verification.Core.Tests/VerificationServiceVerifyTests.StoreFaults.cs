using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Verification.Tests;

public sealed partial class VerificationServiceVerifyTests
{
    [Fact]
    public async Task VerifyAsync_StoreThrows_UnavailableStoreUnavailable()
    {
        var store = Substitute.For<ICodeStore>();
        store.SaveAsync(default!, default!, default, default, default).ReturnsForAnyArgs(SaveOutcome.Saved);
        store.AttemptAsync(default, default, default, default, default, default).ThrowsAsyncForAnyArgs(new TimeoutException("redis timeout"));
        var h = new ServiceHarness(store: store);
        var (id, code) = await h.SendPhoneAsync();

        var error = ResultAssert.Failed(
            await h.Service.VerifyAsync(new VerifyRequest(id, code)),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.StoreUnavailable);

    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_StoreThrows_UnavailableStoreUnavailable()
    {
        var store = Substitute.For<ICodeStore>();
        store.SaveAsync(default!, default!, default, default, default).ReturnsForAnyArgs(SaveOutcome.Saved);
        store.AttemptAsync(default, default, default, default, default, default).ReturnsForAnyArgs(new AttemptOutcome(AttemptStatus.Verified));
        store.TryUseOnceAsync(default!, default, default, default).ThrowsAsyncForAnyArgs(new TimeoutException("redis timeout"));
        var h = new ServiceHarness(store: store);
        var (id, code) = await h.SendPhoneAsync();
        var token = await h.VerifyAsync(id, code);

        ResultAssert.Failed(
            await h.Service.RedeemVerificationTokenAsync(token),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.StoreUnavailable);
    }

    [Fact]
    public async Task VerifyAndRedeem_StoreBackAfterOutage_FailClosedThenRecover()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();

        h.Store.Down = true;
        ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(id, code)), VerificationErrorCodes.Unavailable, VerificationErrorReasons.StoreUnavailable);
        h.Store.Down = false;
        var token = await h.VerifyAsync(id, code);

        h.Store.Down = true;
        ResultAssert.Failed(await h.Service.RedeemVerificationTokenAsync(token), VerificationErrorCodes.Unavailable, VerificationErrorReasons.StoreUnavailable);
        h.Store.Down = false;
        ResultAssert.Succeeded(await h.Service.RedeemVerificationTokenAsync(token));
        ResultAssert.Failed(await h.Service.RedeemVerificationTokenAsync(token), VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.Used);
    }
}
