using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Tests;

/// <summary>The one-time-secret protocol: issue, save, sign; read, attempt; release.</summary>
public sealed class OneTimeSecretsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly ObservableStore _store = new();
    private readonly OneTimeSecrets _secrets;

    public OneTimeSecretsTests()
    {
        var keys = KeyMaterial.Load(ServiceHarness.CreateOptions());
        _secrets = new OneTimeSecrets(keys.Tokens, keys.Hasher, _store, new StoreGuard(NullLogger.Instance), _time);
    }

    [Fact]
    public async Task IssueSaveSignReadAttempt_RightSecret_VerifiedOnce()
    {
        var secret = _secrets.Issue("123456", "owner", Now.AddMinutes(5));
        var saved = await _secrets.SaveAsync(secret, [], false, Now, "test", StoreGuard.TryLater, default);
        var id = _secrets.Sign(new CaptchaChallengeClaims(secret.Id, secret.Nonce, Now.AddMinutes(5)));

        var read = await _secrets.ReadAsync<CaptchaChallengeClaims>(id, Now);
        var first = await AttemptAsync(read.Claims!, "123456");
        var second = await AttemptAsync(read.Claims!, "123456");

        Assert.Equal(SaveStatus.Saved, saved.Value.Status);
        Assert.Equal((secret.Id, secret.Nonce), (read.Claims!.ChallengeId, read.Claims.Nonce));
        Assert.Equal((AttemptStatus.Verified, AttemptStatus.Used), (first.Value.Status, second.Value.Status));
    }

    [Fact]
    public async Task Attempt_WrongSecretOrOtherNonce_Mismatch()
    {
        var secret = _secrets.Issue("123456", "owner", Now.AddMinutes(5));
        await _secrets.SaveAsync(secret, [], false, Now, "test", StoreGuard.TryLater, default);

        var wrong = await AttemptAsync(new CaptchaChallengeClaims(secret.Id, secret.Nonce, Now), "654321");
        var otherNonce = await AttemptAsync(new CaptchaChallengeClaims(secret.Id, CodeHasher.NewNonce(), Now), "123456");

        Assert.Equal((AttemptStatus.Mismatch, AttemptStatus.Mismatch), (wrong.Value.Status, otherNonce.Value.Status));
    }

    [Fact]
    public void Issue_StoresOnlyTheKeyedHash()
    {
        var secret = _secrets.Issue("123456", "owner", Now.AddMinutes(5));
        var again = _secrets.Issue("123456", "owner", Now.AddMinutes(5));

        Assert.Equal(CodeHasher.HashLength, secret.Record.CodeHash.Length);
        Assert.False(secret.Record.CodeHash.Span.SequenceEqual(again.Record.CodeHash.Span));
        Assert.Equal(("owner", secret.Id), (secret.Record.ContactKey, secret.Record.Id));
    }

    [Fact]
    public void IssueOwned_OwnerIsPrefixAndRecordId()
    {
        var secret = _secrets.IssueOwned("ABCD", "captcha:", Now.AddMinutes(5));

        Assert.Equal("captcha:" + secret.Id.ToString("N"), secret.Record.ContactKey);
    }

    [Fact]
    public async Task Release_DeletesTheRecordAndRefunds_AndSurvivesAStoreFailure()
    {
        var charge = new RateCharge("cooldown:owner", 1, TimeSpan.FromMinutes(1));
        var secret = _secrets.Issue("123456", "owner", Now.AddMinutes(5));
        await _secrets.SaveAsync(secret, [charge], false, Now, "test", StoreGuard.TryLater, default);

        await _secrets.ReleaseAsync(secret, [charge]);
        var again = await _secrets.SaveAsync(_secrets.Issue("1", "owner", Now.AddMinutes(5)), [charge], false, Now, "test", StoreGuard.TryLater, default);
        _store.Down = true;
        await _secrets.ReleaseAsync(secret, [charge]);

        Assert.Equal(AttemptStatus.NotFound, (await _store.Inner.AttemptAsync(secret.Id, new byte[32], 5, new RateCharge("f", 10, TimeSpan.FromDays(1)), Now)).Status);
        Assert.Equal(SaveStatus.Saved, again.Value.Status);
    }

    [Fact]
    public async Task SaveAndAttempt_StoreDown_Unavailable()
    {
        _store.Down = true;
        var secret = _secrets.Issue("123456", "owner", Now.AddMinutes(5));

        var saved = await _secrets.SaveAsync(secret, [], false, Now, "test", StoreGuard.NothingSent, default);
        var attempt = await AttemptAsync(new CaptchaChallengeClaims(secret.Id, secret.Nonce, Now), "123456");

        Assert.Equal(StoreGuard.NothingSent, saved.Error?.Description);
        Assert.Equal(VerificationErrorReasons.StoreUnavailable, attempt.Error?.Reason);
    }

    private ValueTask<Guarded<AttemptOutcome>> AttemptAsync(CaptchaChallengeClaims claims, string presented) =>
        _secrets.AttemptAsync(claims.ChallengeId, claims.Nonce, presented, 5, new RateCharge("tries", int.MaxValue, TimeSpan.FromMinutes(5)), Now, "test", default);
}
