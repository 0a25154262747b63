using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Verification.Tests;

public sealed partial class VerificationServiceSendTests
{
    // ---- Channels and targets -------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_PhoneWithoutSmsSender_FailedPreconditionChannelDisabled()
    {
        var h = new ServiceHarness(smsSenders: []);

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.FailedPrecondition,
            VerificationErrorReasons.ChannelDisabled);

        Assert.Equal("phone_number", error.Field);
        Assert.Empty(h.Store.Saves);
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email)));
    }

    [Fact]
    public async Task SendAsync_EmailWithoutEmailSender_FailedPreconditionChannelDisabled()
    {
        var h = new ServiceHarness(emailSenders: []);

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email)),
            VerificationErrorCodes.FailedPrecondition,
            VerificationErrorReasons.ChannelDisabled);

        Assert.Equal("email", error.Field);
        Assert.Empty(h.Store.Saves);
    }

    [Theory]
    [InlineData(VerificationTarget.User)]
    [InlineData(VerificationTarget.NotUser)]
    public async Task SendAsync_TargetWithoutUserDirectory_FailedPrecondition(VerificationTarget target)
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Target: target)),
            VerificationErrorCodes.FailedPrecondition,
            VerificationErrorReasons.NoUserDirectory);

        Assert.Equal("target", error.Field);
        Assert.Empty(h.Messages);
    }

    [Fact]
    public async Task SendAsync_UserTargetForUnknownContact_UserNotFound404()
    {
        var h = new ServiceHarness(userDirectory: Users(exists: false));

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Target: VerificationTarget.User)),
            VerificationErrorCodes.UserNotFound);

        Assert.Equal(4004, error.Number);
        Assert.Empty(h.Messages);
    }

    [Fact]
    public async Task SendAsync_UserTargetForExistingContact_SucceedsWithIsUserTrue()
    {
        var directory = Users(exists: true);
        var h = new ServiceHarness(userDirectory: directory);

        var response = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Target: VerificationTarget.User)));

        Assert.True(response.IsUser);
        await directory.Received(1).ExistsAsync(VerificationChannel.Sms, ServiceHarness.PhoneE164, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task SendAsync_NotUserTargetForExistingContact_AlreadyExists409()
    {
        var h = new ServiceHarness(userDirectory: Users(exists: true));

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email, Target: VerificationTarget.NotUser)),
            VerificationErrorCodes.AlreadyExists);

        Assert.Empty(h.Messages);
    }

    [Fact]
    public async Task SendAsync_NotUserTargetForUnknownContact_SucceedsWithIsUserFalse()
    {
        var h = new ServiceHarness(userDirectory: Users(exists: false));

        var response = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email, Target: VerificationTarget.NotUser)));

        Assert.False(response.IsUser);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SendAsync_AnyTargetWithUserDirectory_ReportsIsUser(bool exists)
    {
        var h = new ServiceHarness(userDirectory: Users(exists));

        var response = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        Assert.Equal(exists, response.IsUser);
    }

    [Fact]
    public async Task SendAsync_IncludeIsUserOff_IsUserNull()
    {
        var h = new ServiceHarness(o => o.IncludeIsUser = false, userDirectory: Users(exists: true));

        var response = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        Assert.Null(response.IsUser);
    }

    [Fact]
    public async Task SendAsync_UserDirectoryThrows_UnavailableAndNothingSent()
    {
        var directory = Substitute.For<IUserDirectory>();
        directory.ExistsAsync(default, default!, default).ThrowsAsyncForAnyArgs(new TimeoutException("directory down"));
        var h = new ServiceHarness(userDirectory: directory);

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.UserDirectoryUnavailable);

        Assert.Empty(h.Messages);
        Assert.Empty(h.Store.Saves);
    }
}
