namespace Verification.Tests;

/// <summary>
/// <see cref="VerificationService.VerifyAsync"/> and <see cref="VerificationService.RedeemVerificationTokenAsync"/>:
/// single use, attempt limits, supersession, expiry, the failure budget, concurrency and input rules.
/// </summary>
public sealed partial class VerificationServiceVerifyTests
{
    [Fact]
    public async Task VerifyAsync_CorrectCode_ReturnsTokenExpiringIn600()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();

        var response = ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(id, code)));

        Assert.Equal(600, response.ExpiresIn);
        Assert.False(string.IsNullOrEmpty(response.VerificationToken));
        Assert.NotEqual(id, response.VerificationToken);
    }

    [Fact]
    public async Task VerifyAsync_WrongCodes_CountDownThenExhaustAndRefuseCorrectCode()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        var wrong = ServiceHarness.WrongCode(code);

        var remaining = new List<int?>();
        for (var i = 0; i < 4; i++)
        {
            var error = ResultAssert.Failed(
                await h.Service.VerifyAsync(new VerifyRequest(id, wrong)),
                VerificationErrorCodes.InvalidVerificationCode,
                VerificationErrorReasons.Wrong);
            remaining.Add(error.AttemptsRemaining);
        }

        var fifth = ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(id, wrong)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Exhausted);
        var correct = ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(id, code)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Exhausted);

        Assert.Equal([4, 3, 2, 1], remaining);
        Assert.Equal(0, fifth.AttemptsRemaining);
        Assert.Equal(0, correct.AttemptsRemaining);
    }

    [Fact]
    public async Task VerifyAsync_CorrectCodeTwice_SecondUsed()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        await h.VerifyAsync(id, code);

        ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(id, code)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Used);
    }

    // A resend to the same number supersedes the earlier code, also when the number is spelt differently.
    [Theory]
    [InlineData(ServiceHarness.Phone)]
    [InlineData("+86-155-8866-5555")]
    public async Task VerifyAsync_CodeFromBeforeResend_SupersededAndNewCodeWorks(string resendSpelling)
    {
        var h = new ServiceHarness();
        var (oldId, oldCode) = await h.SendPhoneAsync(ServiceHarness.Phone);
        h.Time.Advance(TimeSpan.FromSeconds(60));
        var (newId, newCode) = await h.SendPhoneAsync(resendSpelling);

        ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(oldId, oldCode)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Superseded);
        await h.VerifyAsync(newId, newCode);
    }

    [Fact]
    public async Task VerifyAsync_OneSecondBeforeExpiry_Succeeds()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        h.Time.Advance(TimeSpan.FromSeconds(599));

        await h.VerifyAsync(id, code);
    }

    [Theory]
    [InlineData(600)]
    [InlineData(605)]
    [InlineData(610)]
    [InlineData(611)]
    [InlineData(86_400)]
    public async Task VerifyAsync_AtOrAfterExpiry_Expired(int seconds)
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        h.Time.Advance(TimeSpan.FromSeconds(seconds));

        ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(id, code)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Expired);
    }

    [Fact]
    public async Task VerifyAsync_100ConcurrentCorrectCodes_ExactlyOneSucceeds()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();

        var results = await Concurrently.RunAsync(100, _ => h.Service.VerifyAsync(new VerifyRequest(id, code)));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(VerificationErrorReasons.Used, r.Error!.Reason));
    }

    [Theory]
    [InlineData("fullwidth")]
    [InlineData("padded")]
    public async Task VerifyAsync_CorrectCodeInOtherSpelling_Succeeds(string spelling)
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        var presented = spelling == "fullwidth"
            ? new string(code.Select(c => (char)('\uFF10' + (c - '0'))).ToArray())
            : "  " + code + " ";

        await h.VerifyAsync(id, presented);
    }

    [Fact]
    public async Task VerifyAsync_IdIssuedByAnotherDeployment_Unknown()
    {
        var other = new ServiceHarness();
        var (id, code) = await other.SendPhoneAsync();
        var h = new ServiceHarness();

        ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(id, code)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Unknown);
    }
}
