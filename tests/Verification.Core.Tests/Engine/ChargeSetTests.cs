using System.Net;

namespace Verification.Tests;

/// <summary>The charges of a send as the plan hands them to the store: made when read, from key prefixes and the subject.</summary>
public sealed class ChargeSetTests
{
    private const string Phone = "+8615588665555";

    private static readonly ParsedContact Sms = new(VerificationChannel.Sms, Phone, Phone, "CN");

    private static readonly ThrottlingOptions Budgets = new() { GlobalSmsPerHour = 1000, GlobalSmsPerDay = 1000, GlobalSmsPerRegionPerHour = 1000, GlobalReservedShare = 0.2 };

    [Fact]
    public void Indexer_EveryCharge_SameAsEnumerationAndKeysNeverJoined()
    {
        var set = new ChargePlan(new ThrottlingOptions(), false).ForSend(Sms, new VerificationContext { ClientIp = IPAddress.Parse("203.0.113.7"), DeviceId = "dev-1" }, targeted: true);

        var indexed = Enumerable.Range(0, set.Count).Select(i => set[i]).ToList();

        Assert.Equal(indexed, set.ToList());
        Assert.Equal(set.Count, set.Count());
        Assert.All(indexed, c => Assert.False(c.KeyPrefix.Length > 0 && c.KeySubject.Length > 0 && c.KeyPrefix.AsSpan().Overlaps(c.KeySubject.Span)));
        Assert.Contains(indexed, c => c.KeyPrefix == "daily:" && c.KeySubject.ToString() == Phone);
        Assert.Contains(indexed, c => c.KeyPrefix == "prefix:" && c.KeySubject.ToString() == "+861558866");
    }

    [Fact]
    public void Indexer_OutOfRange_Throws()
    {
        var set = new ChargePlan(new ThrottlingOptions(), false).ForSend(Sms, null);

        Assert.Throws<ArgumentOutOfRangeException>("index", () => set[set.Count]);
        Assert.Throws<ArgumentOutOfRangeException>("index", () => set[-1]);
    }

    [Fact]
    public void WithReserved_OnlyTheGlobalBudgetLimitsChange()
    {
        var plan = new ChargePlan(Budgets, false);
        var open = plan.ForSend(Sms, null, reserved: true);

        var narrowed = open.WithReserved(false);

        Assert.Equal(plan.ForSend(Sms, null, reserved: false).ToList(), narrowed.ToList());
        Assert.Same(open, open.WithReserved(true));
        Assert.Equal(open.Select(c => c.Key), narrowed.Select(c => c.Key));
        Assert.Equal(
            open.Select(c => ChargePlan.IsGlobalBudget(c) ? c.Limit - 200 : c.Limit),
            narrowed.Select(c => c.Limit));
    }

    [Fact]
    public void Read_EveryChargeOfASend_AllocatesNothing()
    {
        var set = new ChargePlan(new ThrottlingOptions(), false).ForSend(Sms, null);
        long Read()
        {
            var sum = 0L;
            for (var i = 0; i < set.Count; i++)
            {
                var charge = set[i];
                sum += charge.Limit + charge.KeyLength;
            }

            foreach (var charge in set)
            {
                sum += charge.Amount;
            }

            return sum;
        }

        Read();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Read();

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WithExtra_AMark_LastByIndexAndEnumerationAndKeptByWithReserved()
    {
        var plan = new ChargePlan(Budgets, false);
        var mark = new RateCharge("captcha-used:abc", 1, TimeSpan.FromMinutes(5), 1, RateLimitKind.Hard, VerificationErrorReasons.Used);
        var set = plan.ForSend(Sms, null, reserved: true);

        var marked = set.WithExtra(mark).WithReserved(false);

        Assert.Same(set, set.WithExtra(null));
        Assert.Equal(set.Count + 1, marked.Count);
        Assert.Equal(mark, marked[marked.Count - 1]);
        Assert.Equal([.. plan.ForSend(Sms, null, reserved: false), mark], marked.ToList());
    }
}
