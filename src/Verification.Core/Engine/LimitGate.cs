using Microsoft.Extensions.Logging;

namespace Verification;

/// <summary>
/// The limits of a send read before anything expensive is done for it: before the user directory is asked, before a
/// captcha provider is called or a captcha used, before anything is signed. A hard limit refuses; a soft one asks for a
/// captcha unless the request brings one (then the captcha is checked, and the save decides). The save still checks
/// and charges every counter atomically: this read is advice taken early, never the decision.
/// </summary>
internal sealed class LimitGate(IRateCounterStore store, StoreGuard guard, VerificationMetrics metrics, TimeProvider timeProvider, ILogger logger, double captchaShare)
{
    /// <summary>Null when the send may go on; otherwise the refusal (or <c>unavailable</c> when the store failed).</summary>
    public async ValueTask<VerificationError?> CheckAsync(IReadOnlyList<RateCharge> charges, bool bringsCaptcha, CancellationToken cancellationToken)
    {
        var read = await guard.RunAsync(
            "limits",
            (store, charges, now: timeProvider.GetUtcNow()),
            static (s, ct) => s.store.ReadCountersAsync(s.charges, s.now, ct),
            StoreGuard.NothingSent,
            cancellationToken).ConfigureAwait(false);
        if (read.Failed)
        {
            return read.Error;
        }

        var counters = read.Value;
        if (counters is null || counters.Count != charges.Count)
        {
            // A store that reads nothing useful gives no advice: the save decides alone.
            return null;
        }

        WatchBudgets(charges, counters);
        for (var i = 0; i < charges.Count; i++)
        {
            var charge = charges[i];
            if (charge.Kind == RateLimitKind.Hard && charge.IsRefusedAt(counters[i].Count))
            {
                return VerificationError.RateLimited(charge.Reason ?? VerificationErrorReasons.ResendCooldown, counters[i].RetryAfter, ChargePlan.Describe(charge.Reason));
            }
        }

        if (bringsCaptcha)
        {
            return null;
        }

        for (var i = 0; i < charges.Count; i++)
        {
            var charge = charges[i];
            if (charge.Kind == RateLimitKind.Soft && charge.IsRefusedAt(counters[i].Count))
            {
                // RetryAfter only when the window will lift by itself; an always-full one (AlwaysRequire) never does.
                return new VerificationError(VerificationErrorCodes.CaptchaRequired, "Solve a captcha and send its token with the request.")
                {
                    Reason = charge.Reason,
                    RetryAfter = counters[i].RetryAfter > TimeSpan.Zero ? counters[i].RetryAfter : null,
                };
            }
        }

        return null;
    }

    /// <summary>Counts a <c>USER</c>/<c>NOT_USER</c> lookup that did not match; null, or <c>unavailable</c> (failing closed: the answer would tell without being counted).</summary>
    public async ValueTask<VerificationError?> CountLookupAsync(IReadOnlyList<RateCharge> charges, CancellationToken cancellationToken)
    {
        if (charges.Count == 0)
        {
            return null;
        }

        var charged = await guard.RunAsync(
            "lookup",
            (store, charges, now: timeProvider.GetUtcNow()),
            static async (s, ct) =>
            {
                await s.store.ChargeAsync(s.charges, s.now, ct).ConfigureAwait(false);
                return true;
            },
            StoreGuard.NothingSent,
            cancellationToken).ConfigureAwait(false);
        return charged.Error;
    }

    /// <summary>A log event and a metric when this send takes a global budget's window past half of its full size.</summary>
    private void WatchBudgets(IReadOnlyList<RateCharge> charges, IReadOnlyList<RateCounter> counters)
    {
        for (var i = 0; i < charges.Count; i++)
        {
            var charge = charges[i];
            if (!ChargePlan.IsGlobalBudget(charge))
            {
                continue;
            }

            var half = (charge.Limit + 1) / 2;
            var count = counters[i].Count;
            if (count < half && count + charge.Amount >= half)
            {
                var budget = BudgetName(charge.KeyPrefix);
                Log.BudgetHalfSpent(logger, budget, charge.Limit, captchaShare);
                metrics.BudgetHalfSpent(budget);
            }
        }
    }

    /// <summary>The budget's name without a region (a fixed set of tag values): its key prefix up to any colon.</summary>
    private static string BudgetName(string prefix) => prefix.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? prefix[..colon] : prefix;
}
