using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Verification.Tests;

/// <summary><see cref="VerificationService.SendAsync"/>: input rules, targets, limits, delivery faults, captcha.</summary>
public sealed class VerificationServiceSendTests
{
    private static readonly string[] CodeDigits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    // ---- Success ------------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_Phone_ReturnsIdExpiresIn600WithoutIsUser()
    {
        var h = new ServiceHarness();

        var response = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        Assert.False(string.IsNullOrEmpty(response.VerificationId));
        Assert.Equal(600, response.ExpiresIn);
        Assert.Null(response.IsUser);
    }

    [Fact]
    public async Task SendAsync_Email_ReturnsIdExpiresIn600WithoutIsUser()
    {
        var h = new ServiceHarness();

        var response = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email)));

        Assert.False(string.IsNullOrEmpty(response.VerificationId));
        Assert.Equal(600, response.ExpiresIn);
        Assert.Null(response.IsUser);
    }

    [Fact]
    public async Task SendAsync_Phone_DeliversToNormalizedNumberASixDigitCodeAndTheUsage()
    {
        var h = new ServiceHarness();

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155-8866-5555", Usage: VerificationUsage.SignIn)));

        var message = Assert.Single(h.Outbox.Messages);
        Assert.Equal(VerificationChannel.Sms, message.Channel);
        Assert.Equal(ServiceHarness.PhoneE164, message.To);
        Assert.Matches("^[0-9]{6}$", message.Code);
        Assert.Equal(VerificationUsage.SignIn, message.Usage);
        Assert.Contains(message.Code, message.Body, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(10), message.Lifetime);
    }

    [Fact]
    public async Task SendAsync_Email_DeliversToTheCanonicalLowerCaseAddressAndTheUsage()
    {
        var h = new ServiceHarness();

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: "Alice@Example.COM", Usage: VerificationUsage.Register)));

        var message = Assert.Single(h.Outbox.Messages);
        Assert.Equal(VerificationChannel.Email, message.Channel);
        Assert.Equal("alice@example.com", message.To);
        Assert.Matches("^[0-9]{6}$", message.Code);
        Assert.Equal(VerificationUsage.Register, message.Usage);
    }

    [Fact]
    public async Task SendAsync_ManySends_CodesUseEveryDigit()
    {
        // A cheap guard against a broken generator (constant code, digits from a subset): 50 codes of 6 digits
        // miss one of ten digits with probability below 10 * 0.9^300, about 2e-13.
        var h = new ServiceHarness(o => o.Throttling.ResendCooldown = TimeSpan.Zero);
        for (var i = 0; i < 50; i++)
        {
            ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: $"user{i}@example.com")));
        }

        var digits = string.Concat(h.Outbox.Messages.Select(m => m.Code));
        Assert.All(CodeDigits, d => Assert.Contains(d, digits, StringComparison.Ordinal));
    }

    // ---- Input ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(ServiceHarness.Phone, ServiceHarness.Email, "email")]
    [InlineData(null, null, "phone_number")]
    [InlineData("", "", "phone_number")]
    [InlineData("   ", " ", "phone_number")]
    public async Task SendAsync_NotExactlyOneContact_InvalidArgument(string? phone, string? email, string field)
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: phone, Email: email)),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.ExactlyOneContact);

        Assert.Equal(field, error.Field);
        Assert.Empty(h.Outbox.Messages);
        Assert.Empty(h.Store.Saves);
    }

    [Theory]
    [InlineData(ServiceHarness.Phone, "")]
    [InlineData(ServiceHarness.Phone, "  ")]
    [InlineData("", ServiceHarness.Email)]
    [InlineData(null, ServiceHarness.Email)]
    public async Task SendAsync_OtherContactEmpty_TreatedAsAbsent(string? phone, string? email)
    {
        var h = new ServiceHarness();

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: phone, Email: email)));

        Assert.Equal(string.IsNullOrWhiteSpace(phone) ? VerificationChannel.Email : VerificationChannel.Sms, Assert.Single(h.Outbox.Messages).Channel);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(42)]
    public async Task SendAsync_UndefinedTarget_InvalidArgument(int target)
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Target: (VerificationTarget)target)),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.UnknownValue);

        Assert.Equal("target", error.Field);
        Assert.Empty(h.Outbox.Messages);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(int.MaxValue)]
    public async Task SendAsync_UndefinedUsage_InvalidArgument(int usage)
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Usage: (VerificationUsage)usage)),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.UnknownValue);

        Assert.Equal("usage", error.Field);
        Assert.Empty(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_NullRequest_InvalidArgument()
    {
        var h = new ServiceHarness();

        ResultAssert.Failed(await h.Service.SendAsync(null!), VerificationErrorCodes.InvalidArgument);

        Assert.Empty(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_CaptchaTokenOfMaximumLength_Accepted()
    {
        var h = new ServiceHarness();

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: new string('a', 4096))));
    }

    [Fact]
    public async Task SendAsync_OversizeCaptchaToken_InvalidArgument()
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: new string('a', 4097))),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.TooLong);

        Assert.Equal("captcha_token", error.Field);
        Assert.Empty(h.Outbox.Messages);
    }

    [Theory]
    [InlineData("abc\r\ndef")]
    [InlineData("abc\u0000")]
    [InlineData("\u001bx")]
    [InlineData("a\u200Bb")]
    public async Task SendAsync_CaptchaTokenWithControlCharacters_InvalidArgument(string token)
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: token)),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.ControlCharacters);

        Assert.Equal("captcha_token", error.Field);
        Assert.Empty(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_ContextFieldsOfMaximumLength_Accepted()
    {
        var h = new ServiceHarness();
        var context = new VerificationContext { DeviceId = new string('d', 128), IdempotencyKey = new string('k', 128) };

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), context));
    }

    [Fact]
    public async Task SendAsync_OversizeDeviceId_InvalidArgument()
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), new VerificationContext { DeviceId = new string('d', 129) }),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.TooLong);

        Assert.Equal("device_id", error.Field);
        Assert.Empty(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_OversizeIdempotencyKey_InvalidArgument()
    {
        var h = new ServiceHarness();

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), new VerificationContext { IdempotencyKey = new string('k', 129) }),
            VerificationErrorCodes.InvalidArgument,
            VerificationErrorReasons.TooLong);

        Assert.Equal("idempotency_key", error.Field);
        Assert.Empty(h.Outbox.Messages);
    }

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
        Assert.Empty(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_UserTargetForUnknownContact_UserNotFound404()
    {
        var h = new ServiceHarness(userDirectory: Users(exists: false));

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Target: VerificationTarget.User)),
            VerificationErrorCodes.UserNotFound);

        Assert.Equal(4004, error.Number);
        Assert.Empty(h.Outbox.Messages);
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

        Assert.Empty(h.Outbox.Messages);
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

        Assert.Empty(h.Outbox.Messages);
        Assert.Empty(h.Store.Saves);
    }

    // ---- Limits ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_WithinCooldown_RateLimitedWithRemainingSeconds()
    {
        var h = new ServiceHarness();
        await h.SendPhoneAsync();
        h.Time.Advance(TimeSpan.FromSeconds(20));

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.ResendCooldown);

        Assert.Equal(TimeSpan.FromSeconds(40), error.RetryAfter);
        Assert.Single(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_AfterCooldown_Succeeds()
    {
        var h = new ServiceHarness();
        await h.SendPhoneAsync();
        h.Time.Advance(TimeSpan.FromSeconds(59));
        ResultAssert.Failed(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)), VerificationErrorCodes.RateLimitExceeded);

        h.Time.Advance(TimeSpan.FromSeconds(1));

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
        Assert.Equal(2, h.Outbox.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_DailyLimit_31stRefusedUntilWindowPasses()
    {
        // The soft burst and prefix limits would ask for a captcha first; this test is about the hard daily cap.
        var h = new ServiceHarness(o =>
        {
            o.Throttling.ContactBurst.Limit = 0;
            o.Throttling.PerNumberPrefix.Limit = 0;
        });
        for (var i = 0; i < 30; i++)
        {
            await h.SendPhoneAsync();
            h.Time.Advance(TimeSpan.FromSeconds(61));
        }

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.DailyLimit);

        // 23:29:30 left, rounded up to the quarter hour: the second the window ends is not handed out.
        Assert.Equal(new TimeSpan(23, 30, 0), error.RetryAfter);
        Assert.Equal(30, h.Outbox.Messages.Count);

        h.Time.SetUtcNow(ServiceHarness.Start.AddDays(1));
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
    }

    [Theory]
    [InlineData("+8615588665555")]
    [InlineData("+86 155 8866 5555")]
    [InlineData("+86-155-8866-5555")]
    [InlineData("+86 (155) 8866.5555")]
    [InlineData("  +86 15588665555  ")]
    [InlineData("\uFF0B\uFF18\uFF16\u3000\uFF11\uFF15\uFF15\uFF18\uFF18\uFF16\uFF16\uFF15\uFF15\uFF15\uFF15")]
    public async Task SendAsync_OtherSpellingOfSameNumber_SharesCooldown(string spelling)
    {
        var h = new ServiceHarness();
        await h.SendPhoneAsync("+86 15588665555");

        ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: spelling)),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.ResendCooldown);
        Assert.Single(h.Outbox.Messages);
    }

    [Theory]
    [InlineData("ALICE@EXAMPLE.COM")]
    [InlineData("Alice@Example.com")]
    [InlineData("alice@EXAMPLE.com.")]
    public async Task SendAsync_CaseVariantOfSameEmail_SharesCooldown(string spelling)
    {
        var h = new ServiceHarness();
        await h.SendEmailAsync("alice@example.com");

        ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(Email: spelling)),
            VerificationErrorCodes.RateLimitExceeded,
            VerificationErrorReasons.ResendCooldown);
        Assert.Single(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_DifferentContacts_DoNotShareCooldown()
    {
        var h = new ServiceHarness();
        await h.SendPhoneAsync("+86 15588665555");
        await h.SendEmailAsync("alice@example.com");

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: "+86 13800138000")));
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: "bob@example.com")));
    }

    // ---- Delivery faults ------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_SenderThrows_UnavailableDeliveryFailed()
    {
        var sender = new ScriptedSender("broken").ThenThrow(new InvalidOperationException("socket closed"));
        var h = new ServiceHarness(smsSenders: [sender]);

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.DeliveryFailed);

    }

    [Fact]
    public async Task SendAsync_SenderThrows_RefundsCooldownAndDeletesRecord()
    {
        var sender = new ScriptedSender("flaky").ThenThrow(new DeliveryException(DeliveryFailureKind.Unknown, "gateway timeout"));
        var h = new ServiceHarness(smsSenders: [sender]);

        ResultAssert.Failed(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)), VerificationErrorCodes.Unavailable, VerificationErrorReasons.DeliveryFailed);

        // The record of the failed send is gone from the store, not merely unreachable.
        var failed = Assert.Single(h.Store.Saves).Record;
        Assert.Equal(failed.Id, Assert.Single(h.Store.Releases).Id);
        var attempt = await h.Store.Inner.AttemptAsync(failed.Id, failed.CodeHash, 5, new RateCharge("probe", 100, TimeSpan.FromMinutes(1)), h.Time.GetUtcNow());
        Assert.Equal(AttemptStatus.NotFound, attempt.Status);

        // The cooldown (and the daily count) were refunded: an immediate retry goes through, and the code works.
        var response = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
        var delivered = Assert.Single(sender.Delivered);
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(response.VerificationId, delivered.Code)));
    }

    [Fact]
    public async Task SendAsync_InvalidRecipient_InvalidPhoneNumberWithoutFailover()
    {
        var first = new ScriptedSender("first").ThenThrow(new DeliveryException(DeliveryFailureKind.InvalidRecipient, "unknown subscriber"));
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(smsSenders: [first, second]);

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)),
            VerificationErrorCodes.InvalidPhoneNumber);

        Assert.Equal("phone_number", error.Field);
        Assert.Equal(1, first.Calls);
        Assert.Equal(0, second.Calls);
    }

    [Fact]
    public async Task SendAsync_PermanentFailure_UnavailableWithoutFailover()
    {
        var first = new ScriptedSender("first").ThenThrow(new DeliveryException(DeliveryFailureKind.Permanent, "account suspended"));
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(emailSenders: [first, second]);

        ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email)),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.DeliveryFailed);

        Assert.Equal(0, second.Calls);
    }

    [Theory]
    [InlineData(DeliveryFailureKind.Transient)]
    [InlineData(DeliveryFailureKind.NotProcessed)]
    [InlineData(DeliveryFailureKind.Unknown)]
    public async Task SendAsync_RetryableFailureOnFirstSender_FailsOverToSecond(DeliveryFailureKind kind)
    {
        var first = new ScriptedSender("first").ThenThrow(new DeliveryException(kind, "503 from provider"));
        var second = new ScriptedSender("second");

        // Without retries: NotProcessed would otherwise be retried on the first sender (DeliveryResilienceTests).
        var h = new ServiceHarness(o => o.Delivery.MaxRetries = 0, smsSenders: [first, second]);

        var response = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        Assert.Equal(1, first.Calls);
        var delivered = Assert.Single(second.Delivered);
        Assert.Equal(ServiceHarness.PhoneE164, delivered.To);
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(response.VerificationId, delivered.Code)));
    }

    [Fact]
    public async Task SendAsync_SenderHangsPastTimeout_Unavailable()
    {
        var sender = new ScriptedSender("hanging").ThenHang();
        var h = new ServiceHarness(o => o.Delivery.Timeout = TimeSpan.FromSeconds(5), smsSenders: [sender]);

        var pending = h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)).AsTask();
        await sender.Entered.Task;
        Assert.False(pending.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var result = await pending;

        ResultAssert.Failed(result, VerificationErrorCodes.Unavailable, VerificationErrorReasons.DeliveryFailed);
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
    }

    [Fact]
    public async Task SendAsync_SenderIgnoringCancellation_StillTimesOutAndFailsOver()
    {
        var first = new ScriptedSender("deaf").ThenIgnoreCancellation();
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(o => o.Delivery.Timeout = TimeSpan.FromSeconds(5), smsSenders: [first, second]);

        var pending = h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)).AsTask();
        await first.Entered.Task;
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var result = await pending.WaitAsync(TimeSpan.FromSeconds(30));

        ResultAssert.Succeeded(result);
        Assert.Single(second.Delivered);
    }

    [Fact]
    public async Task SendAsync_FirstSenderHangsPastTimeout_FailsOverToSecond()
    {
        var first = new ScriptedSender("hanging").ThenHang();
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(emailSenders: [first, second]);

        var pending = h.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email)).AsTask();
        await first.Entered.Task;
        h.Time.Advance(h.Options.Delivery.Timeout);
        var result = await pending;

        ResultAssert.Succeeded(result);
        Assert.Single(second.Delivered);
    }

    [Fact]
    public async Task SendAsync_CallerCancelsDuringDelivery_ThrowsAndRefundsCooldown()
    {
        using var cts = new CancellationTokenSource();
        var sender = new ScriptedSender("cancelled").Then((_, ct) =>
        {
            cts.Cancel();
            ct.ThrowIfCancellationRequested();
            return ValueTask.CompletedTask;
        });
        var h = new ServiceHarness(smsSenders: [sender]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), cancellationToken: cts.Token).AsTask());

        Assert.Single(h.Store.Releases);
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
    }

    [Fact]
    public async Task SendAsync_CallerCancelsWhileSenderHangs_ThrowsAndRefundsCooldown()
    {
        using var cts = new CancellationTokenSource();
        var first = new ScriptedSender("hanging").ThenHang();
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(smsSenders: [first, second]);

        var pending = h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), cancellationToken: cts.Token).AsTask();
        await first.Entered.Task;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(0, second.Calls);
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
    }

    [Fact]
    public async Task SendAsync_PreCancelledToken_ThrowsAndChargesNothing()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var h = new ServiceHarness();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), cancellationToken: cts.Token).AsTask());

        Assert.Empty(h.Outbox.Messages);
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
    }

    [Fact]
    public async Task SendAsync_SenderThrowsItsOwnCancellation_FailsOverAsAFailure()
    {
        // An HttpClient timeout surfaces as TaskCanceledException although the caller cancelled nothing.
        var first = new ScriptedSender("first").ThenThrow(new TaskCanceledException("HttpClient.Timeout of 100 seconds elapsing"));
        var second = new ScriptedSender("second");
        var h = new ServiceHarness(smsSenders: [first, second]);

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        Assert.Single(second.Delivered);
    }

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

        Assert.Empty(h.Outbox.Messages);
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

        Assert.Empty(h.Outbox.Messages);
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

        Assert.Empty(h.Outbox.Messages);
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

    // ---- Captcha --------------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_CaptchaInvalid_CaptchaInvalidAndNothingSaved()
    {
        var captcha = Captcha(new CaptchaValidationResult(CaptchaValidationStatus.Invalid, "used"));
        var h = new ServiceHarness(captchaValidator: captcha);

        var error = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: "token-1")),
            VerificationErrorCodes.CaptchaInvalid);

        Assert.Empty(h.Store.Saves);
        Assert.Empty(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_CaptchaProviderUnavailable_Unavailable()
    {
        var h = new ServiceHarness(captchaValidator: Captcha(new CaptchaValidationResult(CaptchaValidationStatus.Unavailable)));

        ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: "token-1")),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.CaptchaUnavailable);

        Assert.Empty(h.Store.Saves);
    }

    [Fact]
    public async Task SendAsync_CaptchaValidatorThrows_Unavailable()
    {
        var captcha = Substitute.For<ICaptchaValidator>();
        captcha.ValidateAsync(default!, default, default).ThrowsAsyncForAnyArgs(new HttpRequestException("siteverify unreachable"));
        var h = new ServiceHarness(captchaValidator: captcha);

        ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: "token-1")),
            VerificationErrorCodes.Unavailable,
            VerificationErrorReasons.CaptchaUnavailable);

        Assert.Empty(h.Store.Saves);
        Assert.Empty(h.Outbox.Messages);
    }

    [Fact]
    public async Task SendAsync_CaptchaValid_SendsWithSoftLimitsWaived()
    {
        var captcha = Captcha(new CaptchaValidationResult(CaptchaValidationStatus.Valid));
        var h = new ServiceHarness(captchaValidator: captcha);
        var context = new VerificationContext { DeviceId = "device-1" };

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: "token-1"), context));

        Assert.True(Assert.Single(h.Store.Saves).WaiveSoftLimits);
        Assert.Single(h.Outbox.Messages);
        await captcha.Received(1).ValidateAsync("token-1", context, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task SendAsync_NoCaptchaToken_ValidatorNotCalledAndSoftLimitsKept()
    {
        var captcha = Captcha(new CaptchaValidationResult(CaptchaValidationStatus.Valid));
        var h = new ServiceHarness(captchaValidator: captcha);

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));

        Assert.False(Assert.Single(h.Store.Saves).WaiveSoftLimits);
        await captcha.DidNotReceiveWithAnyArgs().ValidateAsync(default!, default, default);
    }

    [Fact]
    public async Task SendAsync_CaptchaTokenWithoutValidator_IgnoredAndSoftLimitsKept()
    {
        var h = new ServiceHarness();

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, CaptchaToken: "anything")));

        Assert.False(Assert.Single(h.Store.Saves).WaiveSoftLimits);
    }

    [Fact]
    public async Task SendAsync_CaptchaValidSeenByStoreSubstitute_SaveCalledWithWaiver()
    {
        var store = Substitute.For<ICodeStore>();
        store.SaveAsync(default!, default!, default, default, default).ReturnsForAnyArgs(SaveOutcome.Saved);
        var h = new ServiceHarness(store: store, captchaValidator: Captcha(new CaptchaValidationResult(CaptchaValidationStatus.Valid)));

        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: ServiceHarness.Email, CaptchaToken: "token-1")));

        await store.Received(1).SaveAsync(
            Arg.Is<CodeRecord>(r => r.ContactKey == ServiceHarness.Email),
            Arg.Any<IReadOnlyList<RateCharge>>(),
            true,
            ServiceHarness.Start,
            Arg.Any<CancellationToken>());
    }

    private static IUserDirectory Users(bool exists)
    {
        var directory = Substitute.For<IUserDirectory>();
        directory.ExistsAsync(default, default!, default).ReturnsForAnyArgs(exists);
        return directory;
    }

    private static ICaptchaValidator Captcha(CaptchaValidationResult result)
    {
        var captcha = Substitute.For<ICaptchaValidator>();
        captcha.ValidateAsync(default!, default, default).ReturnsForAnyArgs(result);
        return captcha;
    }
}
