namespace Verification.Tests;

public sealed partial class AbuseLimitTests
{
    // ---- Enumeration -----------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_TargetAnyWithUserDirectory_ExistingAndUnknownContactsGetTheSameShape()
    {
        var h = new ServiceHarness(userDirectory: Users(ServiceHarness.PhoneE164));

        var existing = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone));
        var unknown = ResultAssert.Succeeded(await SendPhone(h, "+86 138 0013 8000"));

        Assert.Equal(PropertyNames(existing), PropertyNames(unknown));
        Assert.Equal(new[] { "expires_in", "is_user", "verification_id" }, PropertyNames(existing));
        Assert.Equal(existing.ExpiresIn, unknown.ExpiresIn);
        Assert.True(existing.IsUser);
        Assert.False(unknown.IsUser);
        Assert.Equal(2, h.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_TargetAnyWithIncludeIsUserOff_ExistingAndUnknownContactsBothOmitIsUser()
    {
        var h = new ServiceHarness(o => o.IncludeIsUser = false, userDirectory: Users(ServiceHarness.PhoneE164));

        var existing = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone));
        var unknown = ResultAssert.Succeeded(await SendPhone(h, "+86 138 0013 8000"));

        Assert.Null(existing.IsUser);
        Assert.Null(unknown.IsUser);
        Assert.Equal(new[] { "expires_in", "verification_id" }, PropertyNames(existing));
        Assert.Equal(new[] { "expires_in", "verification_id" }, PropertyNames(unknown));
        Assert.Equal(2, h.Messages.Count);
    }
}
