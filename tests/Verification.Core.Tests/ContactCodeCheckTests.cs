namespace Verification.Tests;

/// <summary>
/// <see cref="VerificationService.CheckCodeAsync"/> (a code checked by contact and usage) and the redeem and validate
/// calls that check a verification token's contact and usage before consuming it.
/// </summary>
public sealed class ContactCodeCheckTests
{
    [Fact]
    public async Task CheckCodeAsync_RightCodeInAnotherSpelling_VerifiedOnceThenUnknown()
    {
        var h = new ServiceHarness();
        var (_, code) = await h.SendPhoneAsync(usage: VerificationUsage.SignIn);

        var first = await h.Service.CheckCodeAsync(new CodeCheckRequest("+86 155-8866-5555", null, VerificationUsage.SignIn, code));
        var second = await h.Service.CheckCodeAsync(new CodeCheckRequest(ServiceHarness.PhoneE164, null, VerificationUsage.SignIn, code));

        var contact = ResultAssert.Succeeded(first);
        Assert.Equal((VerificationChannel.Sms, ServiceHarness.PhoneE164, VerificationUsage.SignIn), (contact.Channel, contact.Contact, contact.Usage));
        ResultAssert.Failed(second, VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task CheckCodeAsync_CodeSentForAnotherUsage_WrongAndCountsAnAttempt()
    {
        var h = new ServiceHarness();
        var (_, code) = await h.SendEmailAsync(usage: VerificationUsage.PasswordReset);

        var other = await h.Service.CheckCodeAsync(new CodeCheckRequest(null, ServiceHarness.Email, VerificationUsage.SignIn, code));
        var right = await h.Service.CheckCodeAsync(new CodeCheckRequest(null, "ALICE@example.com", VerificationUsage.PasswordReset, code));

        Assert.Equal(4, ResultAssert.Failed(other, VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Wrong).AttemptsRemaining);
        ResultAssert.Succeeded(right);
    }

    [Fact]
    public async Task CheckCodeAsync_FiveWrongCodes_BurnedForTheRightOne()
    {
        var h = new ServiceHarness();
        var (_, code) = await h.SendPhoneAsync();
        var wrong = ServiceHarness.WrongCode(code);

        for (var i = 0; i < 4; i++)
        {
            ResultAssert.Failed(await h.Service.CheckCodeAsync(new CodeCheckRequest(ServiceHarness.Phone, null, null, wrong)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Wrong);
        }

        ResultAssert.Failed(await h.Service.CheckCodeAsync(new CodeCheckRequest(ServiceHarness.Phone, null, null, wrong)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Exhausted);
        ResultAssert.Failed(await h.Service.CheckCodeAsync(new CodeCheckRequest(ServiceHarness.Phone, null, null, code)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Unknown);
    }

    [Fact]
    public async Task CheckCodeAsync_AfterExpiry_Refused()
    {
        var h = new ServiceHarness();
        var (_, code) = await h.SendPhoneAsync();
        h.Time.Advance(h.Options.Code.Lifetime);

        var result = await h.Service.CheckCodeAsync(new CodeCheckRequest(ServiceHarness.Phone, null, null, code));

        ResultAssert.Failed(result, VerificationErrorCodes.InvalidVerificationCode);
    }

    [Fact]
    public async Task CheckCodeAsync_OlderCodeAfterAResend_OnlyTheNewestVerifies()
    {
        var h = new ServiceHarness();
        var (_, older) = await h.SendPhoneAsync();
        h.Time.Advance(h.Options.Throttling.ResendCooldown);
        var (_, newer) = await h.SendPhoneAsync();

        if (older != newer)
        {
            ResultAssert.Failed(await h.Service.CheckCodeAsync(new CodeCheckRequest(ServiceHarness.Phone, null, null, older)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Wrong);
        }

        ResultAssert.Succeeded(await h.Service.CheckCodeAsync(new CodeCheckRequest(ServiceHarness.Phone, null, null, newer)));
    }

    [Fact]
    public async Task CheckCodeAsync_ThenVerifyById_CodeUsedOnce()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();

        ResultAssert.Succeeded(await h.Service.CheckCodeAsync(new CodeCheckRequest(ServiceHarness.Phone, null, null, code)));

        ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(id, code)), VerificationErrorCodes.InvalidVerificationCode, VerificationErrorReasons.Used);
    }

    [Fact]
    public async Task CheckCodeAsync_Concurrent_ExactlyOneVerified()
    {
        var h = new ServiceHarness();
        var (_, code) = await h.SendPhoneAsync();

        var results = await Concurrently.RunAsync(50, _ => h.Service.CheckCodeAsync(new CodeCheckRequest(ServiceHarness.Phone, null, null, code)));

        Assert.Single(results, r => r.Succeeded);
    }

    [Theory]
    [InlineData(null, null, "123456", VerificationErrorCodes.InvalidArgument)]
    [InlineData(ServiceHarness.Phone, ServiceHarness.Email, "123456", VerificationErrorCodes.InvalidArgument)]
    [InlineData(ServiceHarness.Phone, null, "12a456", VerificationErrorCodes.InvalidArgument)]
    [InlineData("+1 202", null, "123456", VerificationErrorCodes.InvalidPhoneNumber)]
    public async Task CheckCodeAsync_BadInput_DocumentedError(string? phone, string? email, string code, string error)
    {
        var h = new ServiceHarness();

        ResultAssert.Failed(await h.Service.CheckCodeAsync(new CodeCheckRequest(phone, email, null, code)), error);
    }

    [Fact]
    public async Task CheckCodeAsync_StoreWithoutLiveLookup_FailedPrecondition()
    {
        var h = new ServiceHarness(store: new ObservableStoreWithoutLiveLookup());

        var result = await h.Service.CheckCodeAsync(new CodeCheckRequest(ServiceHarness.Phone, null, null, "123456"));

        ResultAssert.Failed(result, VerificationErrorCodes.FailedPrecondition, VerificationErrorReasons.StoreNotSupported);
    }

    [Fact]
    public async Task CheckCodeAsync_StoreDown_UnavailableNothingConsumed()
    {
        var h = new ServiceHarness();
        var (_, code) = await h.SendPhoneAsync();
        h.Store.Down = true;

        ResultAssert.Failed(await h.Service.CheckCodeAsync(new CodeCheckRequest(ServiceHarness.Phone, null, null, code)), VerificationErrorCodes.Unavailable, VerificationErrorReasons.StoreUnavailable);
        h.Store.Down = false;
        ResultAssert.Succeeded(await h.Service.CheckCodeAsync(new CodeCheckRequest(ServiceHarness.Phone, null, null, code)));
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_OtherContactOrUsage_RefusedAndStillRedeemable()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync(usage: VerificationUsage.SignIn);
        var token = await h.VerifyAsync(id, code);

        var otherContact = await h.Service.RedeemVerificationTokenAsync(token, VerificationUsage.SignIn, "+86 15588660000");
        var email = await h.Service.RedeemVerificationTokenAsync(token, null, ServiceHarness.Email);
        var otherUsage = await h.Service.RedeemVerificationTokenAsync(token, VerificationUsage.Register, ServiceHarness.Phone);
        var right = await h.Service.RedeemVerificationTokenAsync(token, VerificationUsage.SignIn, "+86 (155) 8866-5555");

        ResultAssert.Failed(otherContact, VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.ContactMismatch);
        ResultAssert.Failed(email, VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.ContactMismatch);
        ResultAssert.Failed(otherUsage, VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.UsageMismatch);
        Assert.Equal(ServiceHarness.PhoneE164, ResultAssert.Succeeded(right).Contact);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_TokenWithoutUsage_FitsAnyExpectedUsage()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendEmailAsync("Alice@Example.COM");
        var token = await h.VerifyAsync(id, code);

        var redeemed = await h.Service.RedeemVerificationTokenAsync(token, VerificationUsage.Register, "Alice@example.com");

        // The canonical email (lower case) is what the token proves; the request may spell it in any case.
        Assert.Equal("alice@example.com", ResultAssert.Succeeded(redeemed).Contact);
    }

    [Fact]
    public async Task ValidateVerificationTokenAsync_Valid_DoesNotConsume()
    {
        var h = new ServiceHarness();
        var (id, code) = await h.SendPhoneAsync();
        var token = await h.VerifyAsync(id, code);

        ResultAssert.Succeeded(await h.Service.ValidateVerificationTokenAsync(token, VerificationUsage.SignIn, ServiceHarness.Phone));
        ResultAssert.Succeeded(await h.Service.ValidateVerificationTokenAsync(token));
        ResultAssert.Succeeded(await h.Service.RedeemVerificationTokenAsync(token));
        ResultAssert.Succeeded(await h.Service.ValidateVerificationTokenAsync(token));
        ResultAssert.Failed(await h.Service.RedeemVerificationTokenAsync(token), VerificationErrorCodes.InvalidVerificationToken, VerificationErrorReasons.Used);
    }

    /// <summary>A custom store that never learned to name a contact's live code.</summary>
    private sealed class ObservableStoreWithoutLiveLookup : ICodeStore
    {
        private readonly InMemoryCodeStore _inner = new();

        public ValueTask<SaveOutcome> SaveAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, bool waiveSoftLimits, DateTimeOffset now, CancellationToken cancellationToken = default) => _inner.SaveAsync(record, charges, waiveSoftLimits, now, cancellationToken);

        public ValueTask<AttemptOutcome> AttemptAsync(Guid recordId, ReadOnlyMemory<byte> presentedHash, int maxAttempts, RateCharge failureCharge, DateTimeOffset now, CancellationToken cancellationToken = default) => _inner.AttemptAsync(recordId, presentedHash, maxAttempts, failureCharge, now, cancellationToken);

        public ValueTask ReleaseAsync(CodeRecord record, IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default) => _inner.ReleaseAsync(record, charges, now, cancellationToken);

        public ValueTask<bool> TryUseOnceAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default) => _inner.TryUseOnceAsync(key, expiresAt, now, cancellationToken);

        public ValueTask<string> GetOrAddValueAsync(string key, string value, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default) => _inner.GetOrAddValueAsync(key, value, expiresAt, now, cancellationToken);

        public ValueTask<string?> GetValueAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default) => _inner.GetValueAsync(key, now, cancellationToken);

        public ValueTask RemoveValueAsync(string key, string value, DateTimeOffset now, CancellationToken cancellationToken = default) => _inner.RemoveValueAsync(key, value, now, cancellationToken);

        public ValueTask<IReadOnlyList<RateCounter>> ReadCountersAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default) => _inner.ReadCountersAsync(charges, now, cancellationToken);

        public ValueTask ChargeAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default) => _inner.ChargeAsync(charges, now, cancellationToken);
    }
}
