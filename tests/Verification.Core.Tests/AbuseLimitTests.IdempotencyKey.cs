using Microsoft.Extensions.Options;

namespace Verification.Tests;

public sealed partial class AbuseLimitTests
{
    // ---- Idempotency-Key -------------------------------------------------------------------------------------

    [Fact]
    public async Task SendAsync_SameIdempotencyKeyAndContactWithinCooldown_ReplaysTheSameIdWithoutASecondMessage()
    {
        var h = new ServiceHarness();
        var context = new VerificationContext { IdempotencyKey = "order-42" };
        var first = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));
        Assert.Equal(600, first.ExpiresIn);

        h.Time.Advance(TimeSpan.FromSeconds(20));
        var second = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));
        h.Time.Advance(TimeSpan.FromSeconds(39));
        var third = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.PhoneE164, context));

        Assert.Equal(first.VerificationId, second.VerificationId);
        Assert.Equal(first.VerificationId, third.VerificationId);
        Assert.Equal(580, second.ExpiresIn);
        Assert.Equal(541, third.ExpiresIn);
        var message = Assert.Single(h.Messages);
        Assert.Single(h.Store.Saves);

        // The replayed id is the live one: the code of the single message verifies it.
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(third.VerificationId, message.Code)));
    }

    [Fact]
    public async Task SendAsync_SameIdempotencyKeySavedBetweenReplayAndLimitCheck_ReplaysInsteadOfTheCooldown()
    {
        // The race seen on Redis, made deterministic: while the second request reads its limits (after its replay
        // step found nothing), the first request with the same key completes and charges the cooldown.
        ServiceHarness? h = null;
        var context = new VerificationContext { IdempotencyKey = "race-key" };
        Task<VerificationResult<VerificationResponse>>? first = null;
        var store = new BeforeFirstCounterRead(new InMemoryCodeStore(), () => first = SendPhone(h!, ServiceHarness.Phone, context).AsTask());
        h = new ServiceHarness(store: store);

        var second = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        Assert.Equal(ResultAssert.Succeeded(await first!).VerificationId, second.VerificationId);
        Assert.Single(h.Messages);
    }

    /// <summary>Runs <paramref name="interleave"/> to completion before the first counter read reaches the store.</summary>
    private sealed class BeforeFirstCounterRead(ICodeStore inner, Func<Task> interleave) : DelegatingCodeStore(inner)
    {
        private Func<Task>? _interleave = interleave;

        public override async ValueTask<IReadOnlyList<RateCounter>> ReadCountersAsync(IReadOnlyList<RateCharge> charges, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _interleave, null) is { } run)
            {
                await run();
            }

            return await base.ReadCountersAsync(charges, now, cancellationToken);
        }
    }

    [Fact]
    public async Task SendAsync_IdempotentReplay_KeepsIsUser()
    {
        var directory = Users(ServiceHarness.PhoneE164);
        var h = new ServiceHarness(userDirectory: directory);
        var context = new VerificationContext { IdempotencyKey = "k" };
        var first = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        var replay = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        Assert.True(first.IsUser);
        Assert.True(replay.IsUser);
        Assert.Single(h.Messages);
    }

    [Fact]
    public async Task SendAsync_SameIdempotencyKeyForAnotherContact_ScopedByContactSoASendOfItsOwn()
    {
        var h = new ServiceHarness();
        var context = new VerificationContext { IdempotencyKey = "order-42" };
        var first = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        var other = ResultAssert.Succeeded(await SendPhone(h, "+86 138 0013 8000", context));

        Assert.NotEqual(first.VerificationId, other.VerificationId);
        Assert.Equal(2, h.Messages.Count);
    }

    [Fact]
    public async Task SendAsync_SameIdempotencyKeyAndContactWithAnotherUsageOrTarget_IdempotencyKeyReused()
    {
        var h = new ServiceHarness(userDirectory: Users(ServiceHarness.PhoneE164));
        var context = new VerificationContext { IdempotencyKey = "order-42" };
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Usage: VerificationUsage.SignIn), context));

        var usage = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Usage: VerificationUsage.PasswordReset), context),
            VerificationErrorCodes.IdempotencyKeyReused,
            VerificationErrorReasons.IdempotencyKeyReused);
        var target = ResultAssert.Failed(
            await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone, Target: VerificationTarget.User, Usage: VerificationUsage.SignIn), context),
            VerificationErrorCodes.IdempotencyKeyReused);

        Assert.Equal("idempotency_key", usage.Field);
        Assert.Equal(4013, target.Number);
        Assert.Single(h.Messages);
    }

    [Fact]
    public async Task SendAsync_SameIdempotencyKeyAfterTheCooldown_IsForgottenAndSendsANewCode()
    {
        var h = new ServiceHarness();
        var context = new VerificationContext { IdempotencyKey = "order-42" };
        var first = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        h.Time.Advance(TimeSpan.FromSeconds(60));
        var second = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        Assert.NotEqual(first.VerificationId, second.VerificationId);
        Assert.Equal(600, second.ExpiresIn);
        Assert.Equal(2, h.Messages.Count);

        // Forgotten for every contact: the key may now name another one.
        h.Time.Advance(TimeSpan.FromSeconds(60));
        ResultAssert.Succeeded(await SendPhone(h, "+86 138 0013 8000", context));
    }

    [Fact]
    public async Task SendAsync_FailedDeliveryWithIdempotencyKey_DoesNotRecordTheKey()
    {
        var sender = new ScriptedSender("flaky").ThenThrow(new DeliveryException(DeliveryFailureKind.Transient, "gateway busy"));
        var h = new ServiceHarness(smsSenders: [sender]);
        var context = new VerificationContext { IdempotencyKey = "order-42" };

        ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone, context), VerificationErrorCodes.Unavailable, VerificationErrorReasons.DeliveryFailed);
        var retry = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));
        var replay = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        Assert.Equal(2, sender.Calls);
        var delivered = Assert.Single(sender.Delivered);
        Assert.Equal(retry.VerificationId, replay.VerificationId);
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(retry.VerificationId, delivered.Code)));
    }

    [Fact]
    public async Task SendAsync_ConcurrentRequestsWithOneIdempotencyKey_AllGetTheSameIdAndOneMessage()
    {
        // Regression: the losers of the race used to get the cooldown's rate_limit_exceeded, although a
        // repeated Idempotency-Key within the cooldown must answer with the same verification_id.
        var h = new ServiceHarness();
        var context = new VerificationContext { IdempotencyKey = "order-42" };

        var results = await Concurrently.RunAsync(16, _ => h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), context));

        var message = Assert.Single(h.Messages);
        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
        var id = Assert.Single(results.Select(r => r.Value!.VerificationId).Distinct());
        Assert.Single(h.Store.Saves);

        var replay = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), context));
        Assert.Equal(id, replay.VerificationId);
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(replay.VerificationId, message.Code)));
    }

    [Fact]
    public async Task SendAsync_IdempotencyKeyWhileItsSendIsStillDelivering_GetsTheSameIdWithoutASecondMessage()
    {
        var sender = new ScriptedSender("slow");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sender.Then(async (message, ct) =>
        {
            sender.Entered.TrySetResult();
            await gate.Task.WaitAsync(ct);
        });
        var h = new ServiceHarness(smsSenders: [sender]);
        var context = new VerificationContext { IdempotencyKey = "order-42" };

        var first = h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone), context).AsTask();
        await sender.Entered.Task;
        var second = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.PhoneE164), context));
        gate.SetResult();
        var firstResult = ResultAssert.Succeeded(await first);

        Assert.Equal(firstResult.VerificationId, second.VerificationId);
        Assert.Equal(1, sender.Calls);
    }

    [Fact]
    public async Task SendAsync_IdempotencyKeyOfASendRefusedByTheCooldown_IsWithdrawn()
    {
        var h = new ServiceHarness();
        ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, null));
        var context = new VerificationContext { IdempotencyKey = "order-43" };

        // Refused 30 s into the cooldown: a reservation left behind would live until 90 s and replay a dead id at 60 s.
        h.Time.Advance(TimeSpan.FromSeconds(30));
        ResultAssert.Failed(await SendPhone(h, ServiceHarness.Phone, context), VerificationErrorCodes.RateLimitExceeded, VerificationErrorReasons.ResendCooldown);
        h.Time.Advance(TimeSpan.FromSeconds(30));
        var sent = ResultAssert.Succeeded(await SendPhone(h, ServiceHarness.Phone, context));

        Assert.Equal(2, h.Messages.Count);
        ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(sent.VerificationId, h.SmsSender.LastCode!)));
    }
}
