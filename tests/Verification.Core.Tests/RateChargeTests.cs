namespace Verification.Tests;

/// <summary>A charge's key in two parts: joined on demand, equal however it is split.</summary>
public sealed class RateChargeTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Theory]
    [InlineData("daily:", "+8615588665555")]
    [InlineData("daily:+86", "15588665555")]
    [InlineData("d", "aily:+8615588665555")]
    [InlineData("daily:+8615588665555", "")]
    public void Equals_SameJoinedKeySplitAnywhere_EqualWithEqualHashes(string prefix, string subject)
    {
        var whole = new RateCharge("daily:+8615588665555", 10, Hour);
        var split = RateCharge.FromParts(prefix, subject.AsMemory(), 10, Hour, 1, RateLimitKind.Hard, null);

        Assert.Equal(whole, split);
        Assert.True(whole == split);
        Assert.Equal(whole.GetHashCode(), split.GetHashCode());
        Assert.Equal("daily:+8615588665555", split.Key);
        Assert.Equal(20, split.KeyLength);
    }

    [Theory]
    [InlineData("daily:", "+8615588665556")]
    [InlineData("daily:", "+861558866555")]
    [InlineData("daily:+", "+8615588665555")]
    [InlineData("cooldown:", "+8615588665555")]
    public void Equals_DifferentJoinedKey_NotEqual(string prefix, string subject)
    {
        var whole = new RateCharge("daily:+8615588665555", 10, Hour);

        Assert.NotEqual(whole, RateCharge.FromParts(prefix, subject.AsMemory(), 10, Hour, 1, RateLimitKind.Hard, null));
    }

    [Fact]
    public void Equals_SameKeyOtherLimitAmountKindOrReason_NotEqual()
    {
        var charge = new RateCharge("ip:1.2.3.4", 10, Hour, 1, RateLimitKind.Soft, "ip_limit");

        Assert.NotEqual(charge, charge with { Limit = 11 });
        Assert.NotEqual(charge, charge with { Amount = 0 });
        Assert.NotEqual(charge, charge with { Kind = RateLimitKind.Hard });
        Assert.NotEqual(charge, charge with { Reason = null });
        Assert.NotEqual(charge, charge with { Window = Hour * 2 });
        Assert.Equal(charge, charge with { });
    }

    [Fact]
    public void CopyKeyTo_JoinsThePartsWithoutAString()
    {
        var charge = RateCharge.FromParts("prefix:", "+8615588665555".AsMemory(0, 10), 10, Hour, 1, RateLimitKind.Soft, null);
        Span<char> buffer = stackalloc char[64];

        Assert.Equal("prefix:+861558866", charge.CopyKeyTo(buffer).ToString());
        Assert.Throws<ArgumentOutOfRangeException>("destination", () => charge.CopyKeyTo(new char[5]));
    }

    [Fact]
    public void FromParts_NullPrefix_Throws()
    {
        Assert.Throws<ArgumentNullException>("keyPrefix", () => RateCharge.FromParts(null!, "x".AsMemory(), 1, Hour, 1, RateLimitKind.Hard, null));
    }
}
