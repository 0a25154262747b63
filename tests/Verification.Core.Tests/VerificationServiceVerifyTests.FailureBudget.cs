namespace Verification.Tests;

public sealed partial class VerificationServiceVerifyTests
{
    [Fact]
    public async Task VerifyAsync_FailureBudgetSpentByTwoCodes_RefusesCorrectDigitsAndNewSends()
    {
        var (h, secondId, secondCode) = await TwoCodesFailedAsync(secondFailures: 5);

        // The budget is checked before anything is compared, so even the right digits are refused as throttled.
        var verify = ResultAssert.Failed(
            await h.Service.VerifyAsync(new VerifyRequest(secondId, secondCode)),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.FailureBudget);
        h.Time.Advance(TimeSpan.FromSeconds(61));
        var send = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.FailureBudget);

        // 28:59 and 27:58 left of the 30-minute window, rounded up to the minute (the exact end of the window would
        // tell an attacker when to strike again).
        Assert.Equal(TimeSpan.FromMinutes(29), verify.RetryAfter);
        Assert.Equal(TimeSpan.FromMinutes(28), send.RetryAfter);
        Assert.Equal(2, h.Messages.Count);
    }

    [Fact]
    public async Task VerifyAsync_FailureBudgetSpentWhileACodeIsLive_RefusesThatCodesCorrectDigits()
    {
        var (h, _, _) = await TwoCodesFailedAsync(secondFailures: 4);
        h.Time.Advance(TimeSpan.FromSeconds(61));

        // A new code never resets the count: 9 failures carry over to the third code, and one more spends it.
        var (thirdId, thirdCode) = await h.SendPhoneAsync();
        var last = ResultAssert.Failed(
            await h.Service.VerifyAsync(new VerifyRequest(thirdId, ServiceHarness.WrongCode(thirdCode))),
            VerificationErrorCodes.InvalidVerificationCode,
            VerificationErrorReasons.Wrong);
        Assert.Equal(4, last.AttemptsRemaining);

        ResultAssert.Failed(
            await h.Service.VerifyAsync(new VerifyRequest(thirdId, thirdCode)),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.FailureBudget);
    }

    [Fact]
    public async Task VerifyAsync_FailureBudgetSpent_RecoversAfterWindow()
    {
        var (h, _, _) = await TwoCodesFailedAsync(secondFailures: 5);

        h.Time.SetUtcNow(ServiceHarness.Start + TimeSpan.FromMinutes(30) - TimeSpan.FromTicks(1));
        ResultAssert.Failed(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.FailureBudget);
        h.Time.SetUtcNow(ServiceHarness.Start + TimeSpan.FromMinutes(30));

        var (id, code) = await h.SendPhoneAsync();
        await h.VerifyAsync(id, code);
    }

    [Fact]
    public async Task SendAsync_SoftFailureBudgetSpent_CaptchaRequiredThenTheOwnerSignsInWithACaptcha()
    {
        var h = new ServiceHarness(
            o => (o.Throttling.FailedAttemptsPerContact, o.Throttling.FailedAttemptsBackstop) = (5, 50),
            captchaValidator: new FakeCaptchaValidator());
        var (id, code) = await h.SendPhoneAsync();
        await FailAsync(h, id, code, 5);
        h.Time.Advance(TimeSpan.FromSeconds(61));

        var refused = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.CaptchaRequired,
            VerificationErrorReasons.FailureBudget);
        var (ownerId, ownerCode) = await h.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: "solved"));

        Assert.NotNull(refused.RetryAfter);
        await h.VerifyAsync(ownerId, ownerCode);
    }

    [Fact]
    public async Task VerifyAsync_FailureBudgetIsPerContact_OtherContactUnaffected()
    {
        var h = new ServiceHarness(o => o.Throttling.FailedAttemptsPerContact = 3);
        var (id, code) = await h.SendPhoneAsync();
        await FailAsync(h, id, code, 3);

        var (otherId, otherCode) = await h.SendPhoneAsync("+86 13800138000");
        await h.VerifyAsync(otherId, otherCode);
    }

    /// <summary>
    /// A harness whose failure budget is 10 in 30 minutes (soft and hard alike), after 5 wrong codes for a first code and
    /// <paramref name="secondFailures"/> for a second one sent 61 s later; the second code's id and code.
    /// </summary>
    private static async Task<(ServiceHarness H, string SecondId, string SecondCode)> TwoCodesFailedAsync(int secondFailures)
    {
        var h = new ServiceHarness(o => (o.Throttling.FailedAttemptsPerContact, o.Throttling.FailedAttemptsBackstop) = (10, 10));
        var (firstId, firstCode) = await h.SendPhoneAsync();
        await FailAsync(h, firstId, firstCode, 5);
        h.Time.Advance(TimeSpan.FromSeconds(61));
        var (secondId, secondCode) = await h.SendPhoneAsync();
        await FailAsync(h, secondId, secondCode, secondFailures);
        return (h, secondId, secondCode);
    }

    /// <summary>Presents <paramref name="count"/> wrong codes; they must all be refused as wrong or exhausted.</summary>
    private static async Task FailAsync(ServiceHarness h, string id, string code, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var result = await h.Service.VerifyAsync(new VerifyRequest(id, ServiceHarness.WrongCode(code)));
            var error = ResultAssert.Failed(result, VerificationErrorCodes.InvalidVerificationCode);
            Assert.Contains(error.Reason, new[] { VerificationErrorReasons.Wrong, VerificationErrorReasons.Exhausted });
        }
    }
}
