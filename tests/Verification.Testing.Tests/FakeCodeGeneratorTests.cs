namespace Verification.Testing.Tests;

public sealed class FakeCodeGeneratorTests
{
    [Fact]
    public void Next_QueueThenFixedThenRandom_InThatOrder()
    {
        var codes = new FakeCodeGenerator { FixedCode = "999999" };
        codes.Enqueue("111111", "222222");

        Assert.Equal(2, codes.Pending);
        Assert.Equal("111111", codes.Next(6));
        Assert.Equal("222222", codes.Next(6));
        Assert.Equal("999999", codes.Next(6));
        Assert.Equal("999999", codes.Next(6));

        codes.Reset();
        Assert.Null(codes.FixedCode);
        Assert.Null(codes.Next(6));
    }

    [Theory]
    [InlineData("")]
    [InlineData("123")]
    [InlineData("12345678901")]
    [InlineData("12345a")]
    [InlineData("１２３４５６")]
    [InlineData(" 123456")]
    public void FixedCodeAndEnqueue_NotACode_Throw(string code)
    {
        var codes = new FakeCodeGenerator();

        Assert.Throws<ArgumentException>("value", () => codes.FixedCode = code);
        Assert.Throws<ArgumentException>("codes", () => codes.Enqueue("123456", code));
        Assert.Equal(0, codes.Pending);
    }

    [Fact]
    public void Next_CodeOfAnotherLength_ThrowsNamingTheSetting()
    {
        var codes = new FakeCodeGenerator { FixedCode = "1234" };

        var e = Assert.Throws<InvalidOperationException>(() => codes.Next(6));
        Assert.Contains("Verification:Code:Length", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("1234", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enqueue_ConcurrentTakers_EachCodeOnce()
    {
        var codes = new FakeCodeGenerator();
        var all = Enumerable.Range(0, 2000).Select(i => i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        codes.Enqueue(all);

        var taken = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var mine = new List<string>();
            while (codes.Next(6) is { } code)
            {
                mine.Add(code);
            }

            return mine;
        })));

        Assert.Equal(all.Order(), taken.SelectMany(t => t).Order());
    }
}
