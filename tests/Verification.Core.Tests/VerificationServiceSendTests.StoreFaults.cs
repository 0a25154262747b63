using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Verification.Tests;

public sealed partial class VerificationServiceSendTests
{
    // ---- Store faults ---------------------------------------------------------------------------------------

    // A store fails by a faulted task, by throwing before it returns one, or by cancelling its own command (a
    // timeout, not the caller's token); by phone or by email, the send answers unavailable and delivers nothing.
    [Theory]
    [InlineData(typeof(TimeoutException), "redis timeout", false, false)]
    [InlineData(typeof(InvalidOperationException), "connection multiplexer disposed", true, true)]
    [InlineData(typeof(OperationCanceledException), "command timed out", false, false)]
    public async Task SendAsync_StoreThrows_UnavailableAndNothingDelivered(Type exceptionType, string message, bool synchronously, bool byEmail)
    {
        var exception = (Exception)Activator.CreateInstance(exceptionType, message)!;
        var store = Substitute.For<ICodeStore>();
        if (synchronously)
        {
            store.SaveAsync(default!, default!, default, default, default).ThrowsForAnyArgs(exception);
        }
        else
        {
            store.SaveAsync(default!, default!, default, default, default).ThrowsAsyncForAnyArgs(exception);
        }

        var h = new ServiceHarness(store: store);
        var request = byEmail ? new VerificationRequest(Email: ServiceHarness.Email) : new VerificationRequest(PhoneNumber: ServiceHarness.Phone);

        ResultAssert.Failed(await h.Service.SendAsync(request), VerificationErrorCodes.Unavailable, VerificationErrorReasons.StoreUnavailable);

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
