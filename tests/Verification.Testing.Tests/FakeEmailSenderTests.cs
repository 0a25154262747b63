namespace Verification.Testing.Tests;

public sealed class FakeEmailSenderTests
{
    [Fact]
    public async Task SendAsync_Message_KeptInOutboxWithItsCode()
    {
        var sender = new FakeEmailSender();

        await sender.SendAsync(FakeSmsSenderTests.Email("someone@example.com", "123456"));

        var message = Assert.Single(sender.Messages);
        Assert.Equal("Your code", message.Subject);
        Assert.Equal("123456", sender.LastCode);
        Assert.Equal("fake-email", sender.Name);
    }

    [Theory]
    [InlineData("someone@example.com")]
    [InlineData("Someone@Example.COM")]
    [InlineData("  someone@example.com ")]
    public async Task LastCodeTo_AddressInAnyCase_FindsItsMessage(string spelling)
    {
        var sender = new FakeEmailSender();
        await sender.SendAsync(FakeSmsSenderTests.Email("someone@example.com", "111111"));
        await sender.SendAsync(FakeSmsSenderTests.Email("other@example.com", "222222"));

        Assert.Equal("111111", sender.LastCodeTo(spelling));
        Assert.Single(sender.MessagesTo(spelling));
    }

    [Fact]
    public async Task LastCodeTo_UnicodeDomain_MatchesItsPunycode()
    {
        var sender = new FakeEmailSender();
        await sender.SendAsync(FakeSmsSenderTests.Email("user@xn--bcher-kva.example", "111111"));

        Assert.Equal("111111", sender.LastCodeTo("user@bücher.example"));
    }

    [Fact]
    public async Task FailNext_Permanent_ThrowsDeliveryException()
    {
        var sender = new FakeEmailSender();
        sender.FailNext(DeliveryFailureKind.Permanent);

        var e = await Assert.ThrowsAsync<DeliveryException>(() => sender.SendAsync(FakeSmsSenderTests.Email("someone@example.com", "111111")).AsTask());
        Assert.Equal(DeliveryFailureKind.Permanent, e.Kind);
        Assert.Empty(sender.Messages);
        Assert.Equal(1, sender.Attempts);
    }

    [Fact]
    public async Task WaitForMessageToAsync_BeforeDelivery_CompletesOnDelivery()
    {
        var sender = new FakeEmailSender();
        var waited = sender.WaitForMessageToAsync("SOMEONE@example.com", Safety.Token());

        await sender.SendAsync(FakeSmsSenderTests.Email("someone@example.com", "111111"));

        Assert.Equal("111111", (await waited).Code);
    }

    [Fact]
    public async Task SendAsync_SmsMessage_Throws()
    {
        var sender = new FakeEmailSender();

        await Assert.ThrowsAsync<ArgumentException>("message", () => sender.SendAsync(FakeSmsSenderTests.Sms("+8615588665555", "111111")).AsTask());
    }
}
