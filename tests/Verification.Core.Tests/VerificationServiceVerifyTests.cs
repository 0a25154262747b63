using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Verification.Tests;

/// <summary>
/// <see cref="VerificationService.VerifyAsync"/> and <see cref="VerificationService.RedeemVerificationTokenAsync"/>:
/// single use, attempt limits, supersession, expiry, the failure budget, concurrency and input rules.
/// </summary>
public sealed class VerificationServiceVerifyTests
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
    public async Task RedeemVerificationTokenAsync_PhoneToken_ReturnsContactOnceThenUsed()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync("+86 155 8866 5555", VerificationUsage.SignIn);
        var token = await h.VerifyAsync(id, code);

        var first = await h.Service.RedeemVerificationTokenAsync(token);
        var second = await h.Service.RedeemVerificationTokenAsync(token);

        var contact = ResultAssert.Succeeded(first);
        Assert.Equal(VerificationChannel.Sms, contact.Channel);
        Assert.Equal(ServiceHarness.PhoneE164, contact.Contact);
        Assert.Equal(ServiceHarness.PhoneE164, contact.PhoneNumber);
        Assert.Null(contact.Email);
        Assert.Equal(VerificationUsage.SignIn, contact.Usage);
        ResultAssert.Failed(second, VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.Used);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_EmailToken_ReturnsNormalizedEmailAndUsage()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendEmailAsync("Alice@Example.COM", VerificationUsage.Register);
        var token = await h.VerifyAsync(id, code);

        var contact = ResultAssert.Succeeded(await h.Service.RedeemVerificationTokenAsync(token));

        Assert.Equal(VerificationChannel.Email, contact.Channel);
        Assert.Equal("alice@example.com", contact.Contact);
        Assert.Equal("alice@example.com", contact.Email);
        Assert.Equal(VerificationUsage.Register, contact.Usage);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_WithoutUsage_UsageNull()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        var token = await h.VerifyAsync(id, code);

        var contact = ResultAssert.Succeeded(await h.Service.RedeemVerificationTokenAsync(token));

        Assert.Null(contact.Usage);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_100Concurrent_ExactlyOneSucceeds()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        var token = await h.VerifyAsync(id, code);

        var results = await Concurrently.RunAsync(100, _ => h.Service.RedeemVerificationTokenAsync(token));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(VerificationErrorReasons.Used, r.Error!.Reason));
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

    [Fact]
    public async Task VerifyAsync_CodeFromBeforeResend_SupersededAndNewCodeWorks()
    {
        var h = new ServiceHarness();
        var (oldId, oldCode) = await h.SendPhoneAsync();
        h.Time.Advance(TimeSpan.FromSeconds(60));
        var (newId, newCode) = await h.SendPhoneAsync();

        ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(oldId, oldCode)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Superseded);
        await h.VerifyAsync(newId, newCode);
    }

    [Fact]
    public async Task VerifyAsync_ResendBySameNumberInAnotherSpelling_Supersedes()
    {
        var h = new ServiceHarness();
        var (oldId, oldCode) = await h.SendPhoneAsync("+86 15588665555");
        h.Time.Advance(TimeSpan.FromSeconds(60));
        await h.SendPhoneAsync("+86-155-8866-5555");

        ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(oldId, oldCode)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Superseded);
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
    public async Task VerifyAsync_FailureBudgetSpentByTwoCodes_RefusesCorrectDigitsAndNewSends()
    {
        var h = new ServiceHarness(o => (o.Throttling.FailedAttemptsPerContact, o.Throttling.FailedAttemptsBackstop) = (10, 10));
        var (firstId, firstCode) = await h.SendPhoneAsync();
        await FailAsync(h, firstId, firstCode, 5);
        h.Time.Advance(TimeSpan.FromSeconds(61));
        var (secondId, secondCode) = await h.SendPhoneAsync();
        await FailAsync(h, secondId, secondCode, 5);

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
        var h = new ServiceHarness(o => (o.Throttling.FailedAttemptsPerContact, o.Throttling.FailedAttemptsBackstop) = (10, 10));
        var (firstId, firstCode) = await h.SendPhoneAsync();
        await FailAsync(h, firstId, firstCode, 5);
        h.Time.Advance(TimeSpan.FromSeconds(61));
        var (secondId, secondCode) = await h.SendPhoneAsync();
        await FailAsync(h, secondId, secondCode, 4);
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
        var h = new ServiceHarness(o => (o.Throttling.FailedAttemptsPerContact, o.Throttling.FailedAttemptsBackstop) = (10, 10));
        var (firstId, firstCode) = await h.SendPhoneAsync();
        await FailAsync(h, firstId, firstCode, 5);
        h.Time.Advance(TimeSpan.FromSeconds(61));
        var (secondId, secondCode) = await h.SendPhoneAsync();
        await FailAsync(h, secondId, secondCode, 5);

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
            captchaValidator: ValidCaptcha());
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

    private static ICaptchaValidator ValidCaptcha()
    {
        var validator = Substitute.For<ICaptchaValidator>();
        validator.ValidateAsync(default!, default, default)
            .ReturnsForAnyArgs(new ValueTask<CaptchaValidationResult>(new CaptchaValidationResult(CaptchaValidationStatus.Valid, null)));
        return validator;
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

    [Theory]
    [InlineData(609, true)]
    [InlineData(610, false)]
    [InlineData(3600, false)]
    public async Task RedeemVerificationTokenAsync_AroundExpiry_ExpiredOnlyAfterLifetimePlusSkew(int seconds, bool redeemable)
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        var token = await h.VerifyAsync(id, code);
        h.Time.Advance(TimeSpan.FromSeconds(seconds));

        var result = await h.Service.RedeemVerificationTokenAsync(token);

        if (redeemable)
        {
            ResultAssert.Succeeded(result);
        }
        else
        {
            ResultAssert.Failed(result, VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.Expired);
        }
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_VerificationIdInstead_Unknown()
    {
        var h = new ServiceHarness();
        var (id, _) = await h.SendPhoneAsync();

        ResultAssert.Failed(await h.Service.RedeemVerificationTokenAsync(id), VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task VerifyAsync_IdIssuedByAnotherDeployment_Unknown()
    {
        var other = new ServiceHarness();
        var (id, code) = await other.SendPhoneAsync();
        var h = new ServiceHarness();

        ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(id, code)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Unknown);
    }

    [Theory]
    [InlineData(null, "123456", "verification_id", VerificationErrorReasons.Missing)]
    [InlineData("", "123456", "verification_id", VerificationErrorReasons.Missing)]
    [InlineData("oversize-id", "123456", "verification_id", VerificationErrorReasons.TooLong)]
    [InlineData("some.id.value", null, "verification_code", VerificationErrorReasons.Missing)]
    [InlineData("some.id.value", "", "verification_code", VerificationErrorReasons.Missing)]
    [InlineData("some.id.value", "   ", "verification_code", VerificationErrorReasons.Missing)]
    [InlineData("some.id.value", "oversize-code", "verification_code", VerificationErrorReasons.TooLong)]
    [InlineData("some.id.value", "12a456", "verification_code", VerificationErrorReasons.Malformed)]
    [InlineData("some.id.value", "123", "verification_code", VerificationErrorReasons.Malformed)]
    [InlineData("some.id.value", "12345678901", "verification_code", VerificationErrorReasons.Malformed)]
    public async Task VerifyAsync_MissingOrMalformedInput_InvalidArgumentNamingTheField(string? id, string? code, string field, string reason)
    {
        var h = new ServiceHarness();
        id = id == "oversize-id" ? new string('a', 2049) : id;
        code = code == "oversize-code" ? new string('1', 33) : code;

        var error = ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(id, code)), VerificationErrorCodes.InvalidArgument, reason);

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task VerifyAsync_NullRequest_InvalidArgument()
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(await h.Service.VerifyAsync(null!), VerificationErrorCodes.InvalidArgument);

        Assert.Equal("verification_id", error.Field);
    }

    [Theory]
    [InlineData(null, VerificationErrorReasons.Missing)]
    [InlineData("", VerificationErrorReasons.Missing)]
    [InlineData("oversize", VerificationErrorReasons.TooLong)]
    public async Task RedeemVerificationTokenAsync_MissingOrOversize_InvalidArgument(string? token, string reason)
    {
        var h = new ServiceHarness();
        token = token == "oversize" ? new string('a', 2049) : token;

        var error = ResultAssert.Failed(await h.Service.RedeemVerificationTokenAsync(token!), VerificationErrorCodes.InvalidArgument, reason);

        Assert.Equal("verification_token", error.Field);
    }

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
