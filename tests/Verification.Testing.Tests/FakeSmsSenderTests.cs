using System.Globalization;

namespace Verification.Testing.Tests;

public sealed class FakeSmsSenderTests
{
    [Fact]
    public async Task SendAsync_Message_KeptInOutboxWithItsCode()
    {
        var sender = new FakeSmsSender();

        await sender.SendAsync(Sms("+8615588665555", "123456"));
        await sender.SendAsync(Sms("+8613800138000", "654321"));

        Assert.Equal(["123456", "654321"], sender.Messages.Select(m => m.Code));
        Assert.Equal("+8613800138000", sender.LastMessage?.To);
        Assert.Equal("654321", sender.LastCode);
        Assert.Equal(2, sender.Attempts);
        Assert.Equal("fake-sms", sender.Name);
    }

    [Fact]
    public void LastCode_NothingSent_Null()
    {
        var sender = new FakeSmsSender();

        Assert.Empty(sender.Messages);
        Assert.Null(sender.LastMessage);
        Assert.Null(sender.LastCode);
        Assert.Null(sender.LastCodeTo("+8615588665555"));
    }

    [Theory]
    [InlineData("+8615588665555")]
    [InlineData("+86 155 8866 5555")]
    [InlineData("+86-155-8866-5555")]
    [InlineData("+86 (155) 8866 5555")]
    [InlineData("8615588665555")]
    [InlineData("＋８６１５５８８６６５５５５")]
    public async Task LastCodeTo_AnySpellingOfTheNumber_FindsItsMessage(string spelling)
    {
        var sender = new FakeSmsSender();
        await sender.SendAsync(Sms("+8615588665555", "111111"));
        await sender.SendAsync(Sms("+8613800138000", "222222"));
        await sender.SendAsync(Sms("+8615588665555", "333333"));

        Assert.Equal("333333", sender.LastCodeTo(spelling));
        Assert.Equal(["111111", "333333"], sender.MessagesTo(spelling).Select(m => m.Code));
    }

    [Fact]
    public async Task MessagesTo_OtherNumber_Empty()
    {
        var sender = new FakeSmsSender();
        await sender.SendAsync(Sms("+8615588665555", "111111"));

        Assert.Empty(sender.MessagesTo("+8615588665556"));
        Assert.Null(sender.LastMessageTo("+1 415 555 2671"));
    }

    [Fact]
    public async Task Clear_AfterSends_EmptiesOutboxAndAttempts()
    {
        var sender = new FakeSmsSender();
        await sender.SendAsync(Sms("+8615588665555", "111111"));

        sender.Clear();

        Assert.Empty(sender.Messages);
        Assert.Null(sender.LastCode);
        Assert.Equal(0, sender.Attempts);
    }

    [Theory]
    [InlineData(DeliveryFailureKind.NotProcessed)]
    [InlineData(DeliveryFailureKind.Transient)]
    [InlineData(DeliveryFailureKind.Permanent)]
    [InlineData(DeliveryFailureKind.InvalidRecipient)]
    [InlineData(DeliveryFailureKind.Unknown)]
    public async Task FailNext_Kind_ThrowsDeliveryExceptionThenDelivers(DeliveryFailureKind kind)
    {
        var sender = new FakeSmsSender();
        sender.FailNext(kind, times: 2);

        for (var i = 0; i < 2; i++)
        {
            var e = await Assert.ThrowsAsync<DeliveryException>(() => sender.SendAsync(Sms("+8615588665555", "111111")).AsTask());
            Assert.Equal(kind, e.Kind);
        }

        await sender.SendAsync(Sms("+8615588665555", "222222"));
        Assert.Equal("222222", Assert.Single(sender.Messages).Code);
        Assert.Equal(3, sender.Attempts);
    }

    [Fact]
    public async Task FailNext_Exception_ThrowsIt()
    {
        var sender = new FakeSmsSender();
        var boom = new HttpRequestException("connection reset");
        sender.ThrowNext(boom);

        Assert.Same(boom, await Assert.ThrowsAsync<HttpRequestException>(() => sender.SendAsync(Sms("+8615588665555", "111111")).AsTask()));
        Assert.Empty(sender.Messages);
    }

    [Fact]
    public async Task FailAlways_UntilStopFailing_EverySendFails()
    {
        var sender = new FakeSmsSender();
        sender.FailAlways(DeliveryFailureKind.Transient);

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<DeliveryException>(() => sender.SendAsync(Sms("+8615588665555", "111111")).AsTask());
        }

        sender.StopFailing();
        await sender.SendAsync(Sms("+8615588665555", "222222"));

        Assert.Equal("222222", sender.LastCode);
        Assert.Equal(4, sender.Attempts);
    }

    [Fact]
    public void FailNext_UndefinedKindOrNoTimes_Throws()
    {
        var sender = new FakeSmsSender();

        Assert.Throws<ArgumentOutOfRangeException>("kind", () => sender.FailNext((DeliveryFailureKind)42));
        Assert.Throws<ArgumentOutOfRangeException>("times", () => sender.FailNext(DeliveryFailureKind.Transient, 0));
        Assert.Throws<ArgumentNullException>("exception", () => sender.ThrowNext(null!));
    }

    [Fact]
    public async Task SendAsync_EmailMessage_Throws()
    {
        var sender = new FakeSmsSender();

        await Assert.ThrowsAsync<ArgumentException>("message", () => sender.SendAsync(Email("someone@example.com", "111111")).AsTask());
        Assert.Empty(sender.Messages);
    }

    [Fact]
    public async Task SendAsync_ConcurrentSends_KeepsEveryMessageOnce()
    {
        var sender = new FakeSmsSender();
        const int Threads = 8;
        const int PerThread = 250;
        using var start = new Barrier(Threads);

        var workers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (var i = 0; i < PerThread; i++)
                {
                    var code = (t * PerThread + i).ToString("D6", CultureInfo.InvariantCulture);
                    sender.SendAsync(Sms($"+86155886{t:D5}", code)).AsTask().GetAwaiter().GetResult();
                    _ = sender.LastMessage;
                    _ = sender.MessagesTo($"+86155886{t:D5}");
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default));
        await Task.WhenAll(workers);

        Assert.Equal(Threads * PerThread, sender.Messages.Count);
        Assert.Equal(Threads * PerThread, sender.Attempts);
        Assert.Equal(Threads * PerThread, sender.Messages.Select(m => m.Code).Distinct().Count());
        for (var t = 0; t < Threads; t++)
        {
            // Each thread's messages keep their order.
            var codes = sender.MessagesTo($"+86155886{t:D5}").Select(m => int.Parse(m.Code, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(t * PerThread, PerThread), codes);
        }
    }

    [Fact]
    public async Task WaitForMessageAsync_MessageAlreadyDelivered_CompletesAtOnce()
    {
        var sender = new FakeSmsSender();
        await sender.SendAsync(Sms("+8615588665555", "111111"));

        var waited = sender.WaitForMessageToAsync("+86 155 8866 5555", Safety.Token());

        Assert.True(waited.IsCompletedSuccessfully);
        Assert.Equal("111111", (await waited).Code);
    }

    [Fact]
    public async Task WaitForMessageToAsync_BeforeDelivery_CompletesWhenThatContactGetsOne()
    {
        var sender = new FakeSmsSender();
        var waited = sender.WaitForMessageToAsync("+8615588665555", Safety.Token());
        Assert.False(waited.IsCompleted);

        await sender.SendAsync(Sms("+8613800138000", "111111"));
        Assert.False(waited.IsCompleted);

        await sender.SendAsync(Sms("+8615588665555", "222222"));
        Assert.Equal("222222", (await waited).Code);
    }

    [Fact]
    public async Task WaitForMessageAsync_Predicate_FailedDeliveryDoesNotComplete()
    {
        var sender = new FakeSmsSender();
        var waited = sender.WaitForMessageAsync(m => m.Code == "222222", Safety.Token());
        sender.FailNext(DeliveryFailureKind.Transient);

        await Assert.ThrowsAsync<DeliveryException>(() => sender.SendAsync(Sms("+8615588665555", "222222")).AsTask());
        Assert.False(waited.IsCompleted);

        await sender.SendAsync(Sms("+8615588665555", "222222"));
        Assert.Equal("222222", (await waited).Code);
    }

    [Fact]
    public async Task WaitForMessageAsync_Cancelled_ThrowsAndLaterMessagesStayInOutbox()
    {
        var sender = new FakeSmsSender();
        using var cancel = new CancellationTokenSource();
        var waited = sender.WaitForMessageAsync(cancellationToken: cancel.Token);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waited);
        await sender.SendAsync(Sms("+8615588665555", "111111"));
        Assert.Single(sender.Messages);
    }

    [Fact]
    public void Constructor_Name_UsedAsSenderName()
    {
        Assert.Equal("backup", new FakeSmsSender("backup").Name);
        Assert.Throws<ArgumentException>("name", () => new FakeSmsSender(" "));
    }

    internal static VerificationMessage Sms(string to, string code) => new()
    {
        Channel = VerificationChannel.Sms,
        To = to,
        Body = $"{code} is your code.",
        Code = code,
        Lifetime = TimeSpan.FromMinutes(10),
        Culture = CultureInfo.InvariantCulture,
    };

    internal static VerificationMessage Email(string to, string code) => new()
    {
        Channel = VerificationChannel.Email,
        To = to,
        Subject = "Your code",
        Body = $"{code} is your code.",
        Code = code,
        Lifetime = TimeSpan.FromMinutes(10),
        Culture = CultureInfo.InvariantCulture,
    };
}
