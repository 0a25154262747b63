using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Verification.Tests;

public sealed partial class VerificationServiceSendTests
{
    // ---- Store faults ---------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_StoreThrows_UnavailableAndNothingDelivered()
    {
        var store = Substitute.For<ICodeStore>();
        store.SaveAsync(default!, default!, default, default, default).ThrowsAsyncForAnyArgs(new TimeoutException("redis timeout"));
        var h = new ServiceHarness(store: store);

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.StoreUnavailable);

        Assert.Empty(h.Messages);
    }

    [Fact]
    public async Task SendAsync_StoreThrowsSynchronously_UnavailableAndNothingDelivered()
    {
        var store = Substitute.For<ICodeStore>();
        store.SaveAsync(default!, default!, default, default, default).ThrowsForAnyArgs(new InvalidOperationException("connection multiplexer disposed"));
        var h = new ServiceHarness(store: store);

        ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email)),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.StoreUnavailable);

        Assert.Empty(h.Messages);
    }

    [Fact]
    public async Task SendAsync_StoreThrowsItsOwnCancellation_Unavailable()
    {
        var store = Substitute.For<ICodeStore>();
        store.SaveAsync(default!, default!, default, default, default).ThrowsAsyncForAnyArgs(new OperationCanceledException("command timed out"));
        var h = new ServiceHarness(store: store);

        ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.StoreUnavailable);

        Assert.Empty(h.Messages);
    }

    [Fact]
    public async Task SendAsync_StoreBackAfterOutage_Recovers()
    {
        var h = new ServiceHarness();
        h.Store.Down = true;
        ResultAssert.Failed(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)), VerificationErrorCodes.Unavailable, VerificationErrorReasons.StoreUnavailable);

        h.Store.Down = false;

        var (id, code) = await h.SendPhoneAsync();
        await h.VerifyAsync(id, code);
    }
}
