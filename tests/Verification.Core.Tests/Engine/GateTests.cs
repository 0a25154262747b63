using Microsoft.Extensions.Logging.Abstractions;

namespace Verification.Tests;

/// <summary>The user-directory and captcha steps of a send, and the answers of a verify attempt.</summary>
public sealed class GateTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(VerificationTarget.Any, true, null)]
    [InlineData(VerificationTarget.Any, false, null)]
    [InlineData(VerificationTarget.User, true, null)]
    [InlineData(VerificationTarget.User, false, VerificationErrorCodes.UserNotFound)]
    [InlineData(VerificationTarget.NotUser, false, null)]
    [InlineData(VerificationTarget.NotUser, true, VerificationErrorCodes.AlreadyExists)]
    public async Task Audience_TargetAndAccount_AllowedOrRefused(VerificationTarget target, bool exists, string? refusal)
    {
        var gate = new AudienceGate(new Directory(_ => exists), NullLogger.Instance);

        var (found, error, refused) = await gate.CheckAsync(target, VerificationChannel.Email, "a@example.com", default);

        Assert.Equal(exists, found);
        Assert.Equal(refusal, error?.Code);
        Assert.Equal(refusal is not null, refused);
        Assert.Equal(refusal is null ? null : "email", error?.Field);
    }

    [Fact]
    public async Task Audience_NoDirectory_AnyGoesTargetsRefused()
    {
        var gate = new AudienceGate(null, NullLogger.Instance);

        var any = await gate.CheckAsync(VerificationTarget.Any, VerificationChannel.Sms, "+8615588665555", default);
        var user = await gate.CheckAsync(VerificationTarget.User, VerificationChannel.Sms, "+8615588665555", default);

        Assert.Equal((null, null, false), (any.Exists, any.Error, any.Refused));
        Assert.Equal((VerificationErrorReasons.NoUserDirectory, "target", true), (user.Error?.Reason, user.Error?.Field, user.Refused));
    }

    [Fact]
    public async Task Audience_DirectoryThrows_UnavailableNotARefusal()
    {
        var gate = new AudienceGate(new Directory(_ => throw new TimeoutException()), NullLogger.Instance);

        var (_, error, refused) = await gate.CheckAsync(VerificationTarget.Any, VerificationChannel.Sms, "+8615588665555", default);

        Assert.Equal((VerificationErrorReasons.UserDirectoryUnavailable, false), (error?.Reason, refused));
    }

    [Theory]
    [InlineData(CaptchaValidationStatus.Valid, null, null)]
    [InlineData(CaptchaValidationStatus.Invalid, VerificationErrorCodes.CaptchaInvalid, "used")]
    [InlineData(CaptchaValidationStatus.Unavailable, VerificationErrorCodes.Unavailable, VerificationErrorReasons.CaptchaUnavailable)]
    public async Task Captcha_ValidatorAnswer_PassedOrRefused(CaptchaValidationStatus status, string? code, string? reason)
    {
        var gate = new CaptchaGate(new Validator(_ => new CaptchaValidationResult(status, status == CaptchaValidationStatus.Invalid ? "used" : null)), new VerificationMetrics(null), NullLogger.Instance);

        var (error, usedMark) = await gate.CheckAsync("token", null, default);

        Assert.Equal((code, reason), (error?.Code, error?.Reason));
        Assert.Null(usedMark);
    }

    [Theory]
    [InlineData(CaptchaValidationStatus.Valid, null, true)]
    [InlineData(CaptchaValidationStatus.Invalid, VerificationErrorCodes.CaptchaInvalid, false)]
    [InlineData(CaptchaValidationStatus.Unavailable, VerificationErrorCodes.Unavailable, false)]
    public async Task Captcha_SaveBoundValidator_OnlyCheckedAndItsMarkKeptForTheSaveWhenValid(CaptchaValidationStatus status, string? code, bool marked)
    {
        var validator = new SaveBoundValidator(new CaptchaValidationResult(status, status == CaptchaValidationStatus.Invalid ? "used" : null));
        var gate = new CaptchaGate(validator, new VerificationMetrics(null), NullLogger.Instance);

        var (error, usedMark) = await gate.CheckAsync("token", null, default);

        Assert.Equal(code, error?.Code);
        Assert.Equal(marked ? SaveBoundValidator.Mark : null, usedMark);
        Assert.Equal((1, 0), (validator.Checks, validator.Validations));
    }

    [Fact]
    public async Task Captcha_ValidatorThrows_Unavailable()
    {
        var gate = new CaptchaGate(new Validator(_ => throw new HttpRequestException()), new VerificationMetrics(null), NullLogger.Instance);

        Assert.Equal(VerificationErrorReasons.CaptchaUnavailable, (await gate.CheckAsync("token", null, default)).Error?.Reason);
    }

    [Fact]
    public void Captcha_Applies_OnlyWithTokenAndValidator()
    {
        var metrics = new VerificationMetrics(null);
        var validator = new Validator(_ => new CaptchaValidationResult(CaptchaValidationStatus.Valid));

        Assert.True(new CaptchaGate(validator, metrics, NullLogger.Instance).Applies("t"));
        Assert.False(new CaptchaGate(validator, metrics, NullLogger.Instance).Applies(""));
        Assert.False(new CaptchaGate(null, metrics, NullLogger.Instance).Applies("t"));
    }

    [Theory]
    [InlineData(AttemptStatus.Verified, null)]
    [InlineData(AttemptStatus.Mismatch, VerificationErrorReasons.Wrong)]
    [InlineData(AttemptStatus.Exhausted, VerificationErrorReasons.Exhausted)]
    [InlineData(AttemptStatus.Burned, VerificationErrorReasons.Exhausted)]
    [InlineData(AttemptStatus.Used, VerificationErrorReasons.Used)]
    [InlineData(AttemptStatus.Superseded, VerificationErrorReasons.Superseded)]
    [InlineData(AttemptStatus.RateLimited, VerificationErrorReasons.FailureBudget)]
    [InlineData(AttemptStatus.Expired, VerificationErrorReasons.Expired)]
    [InlineData(AttemptStatus.NotFound, VerificationErrorReasons.Unknown)]
    public void AttemptAnswers_EachOutcome_ItsReason(AttemptStatus status, string? reason)
    {
        Assert.Equal(reason, AttemptAnswers.RefusalOf(new AttemptOutcome(status, 2), Now.AddMinutes(1), Now)?.Reason);
    }

    [Fact]
    public void AttemptAnswers_NotFoundAfterTheIdExpired_Expired()
    {
        Assert.Equal(VerificationErrorReasons.Expired, AttemptAnswers.RefusalOf(new AttemptOutcome(AttemptStatus.NotFound), Now, Now)?.Reason);
    }

    [Fact]
    public void AttemptAnswers_MismatchAndRateLimited_CarryAttemptsAndRetryAfter()
    {
        var mismatch = AttemptAnswers.RefusalOf(new AttemptOutcome(AttemptStatus.Mismatch, 3), Now, Now)!;
        var limited = AttemptAnswers.RefusalOf(new AttemptOutcome(AttemptStatus.RateLimited, RetryAfter: TimeSpan.FromMinutes(7)), Now, Now)!;

        Assert.Equal((VerificationErrorCodes.InvalidVerificationCode, 3), (mismatch.Code, mismatch.AttemptsRemaining));
        Assert.Equal((VerificationErrorCodes.RateLimitExceeded, TimeSpan.FromMinutes(7)), (limited.Code, limited.RetryAfter));
    }

    [Fact]
    public void CodeSource_Random_DigitsOfTheLength_ChosenOnlyWithFakes()
    {
        var chosen = CodeSource.Chosen(length => new string('7', length), sender => sender is string);

        Assert.Matches("^[0-9]{8}$", CodeSource.Random.Next(8));
        Assert.Equal("7777", chosen.Next(4));
        chosen.EnsureAllowedWith(["fake"]);
        CodeSource.Random.EnsureAllowedWith([42]);
        Assert.Contains("System.Int32", Assert.Throws<InvalidOperationException>(() => chosen.EnsureAllowedWith(["fake", 42])).Message, StringComparison.Ordinal);
    }

    private sealed class Directory(Func<string, bool> exists) : IUserDirectory
    {
        public ValueTask<bool> ExistsAsync(VerificationChannel channel, string contact, CancellationToken cancellationToken = default) => ValueTask.FromResult(exists(contact));
    }

    private sealed class Validator(Func<string, CaptchaValidationResult> answer) : ICaptchaValidator
    {
        public ValueTask<CaptchaValidationResult> ValidateAsync(string captchaToken, VerificationContext? context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(answer(captchaToken));
    }

    /// <summary>A validator that leaves the use to the save, counting how it is asked.</summary>
    private sealed class SaveBoundValidator(CaptchaValidationResult answer) : ISaveBoundCaptchaValidator
    {
        public static readonly RateCharge Mark = new("captcha-used:t1", 1, TimeSpan.FromMinutes(5));

        public int Checks { get; private set; }

        public int Validations { get; private set; }

        public ValueTask<CaptchaCheck> CheckAsync(string captchaToken, VerificationContext? context, CancellationToken cancellationToken = default)
        {
            Checks++;
            return ValueTask.FromResult(new CaptchaCheck(answer, answer.Status == CaptchaValidationStatus.Valid ? Mark : null));
        }

        public ValueTask<CaptchaValidationResult> ValidateAsync(string captchaToken, VerificationContext? context, CancellationToken cancellationToken = default)
        {
            Validations++;
            return ValueTask.FromResult(answer);
        }
    }
}
