using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Tests;

public sealed class SenderTests : IDisposable
{
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    // Each test gets its own folder; Dispose deletes it.
    private readonly PickupFolder _pickup = new();

    public void Dispose()
    {
        _pickup.Dispose();
    }

    [Fact]
    public async Task PickupDirectorySender_SmsMessage_WritesOneJsonFileWithExactlyTheDocumentedFields()
    {
        var sender = new PickupDirectorySender(_pickup.Path, new FakeTimeProvider(Now));

        await sender.SendAsync(Message(VerificationChannel.Sms, "+8615588665555", subject: null, body: "012345 is your code."));

        var file = Assert.Single(Directory.GetFiles(_pickup.Path));
        Assert.EndsWith(".json", file, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var root = json.RootElement;
        Assert.Equal(new[] { "body", "channel", "code", "created_at", "subject", "to" }, root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("sms", root.GetProperty("channel").GetString());
        Assert.Equal("+8615588665555", root.GetProperty("to").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("subject").ValueKind);
        Assert.Equal("012345 is your code.", root.GetProperty("body").GetString());
        Assert.Equal("2026-03-01T08:00:00.1234567Z", root.GetProperty("created_at").GetString());
        Assert.Equal("012345", root.GetProperty("code").GetString());
    }

    [Fact]
    public async Task PickupDirectorySender_ChineseTextAndPunctuation_AreWrittenAsReadableUtf8()
    {
        var sender = new PickupDirectorySender(_pickup.Path, new FakeTimeProvider(Now));

        await sender.SendAsync(Message(VerificationChannel.Sms, "+8615588665555", subject: null, body: "【示例】您的验证码是 012345，请勿告诉他人 <'+'>"));

        var text = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(_pickup.Path)), System.Text.Encoding.UTF8);
        Assert.Contains("【示例】您的验证码是 012345，请勿告诉他人 <'+'>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PickupDirectorySender_EmailMessage_WritesChannelEmailAndSubject()
    {
        var sender = new PickupDirectorySender(_pickup.Path, new FakeTimeProvider(Now));

        await sender.SendAsync(Message(VerificationChannel.Email, "Alice@example.com", "Your code", "Your code is: 012345"));

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(_pickup.Path))));
        var root = json.RootElement;
        Assert.Equal(new[] { "body", "channel", "code", "created_at", "subject", "to" }, root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("email", root.GetProperty("channel").GetString());
        Assert.Equal("Alice@example.com", root.GetProperty("to").GetString());
        Assert.Equal("Your code", root.GetProperty("subject").GetString());
        Assert.Equal("Your code is: 012345", root.GetProperty("body").GetString());
    }

    [Fact]
    public async Task PickupDirectorySender_ThreeMessagesAtTheSameInstant_WritesThreeFilesAndNoTemporaryOnes()
    {
        var sender = new PickupDirectorySender(_pickup.Path, new FakeTimeProvider(Now));

        for (var i = 0; i < 3; i++)
        {
            await sender.SendAsync(Message(VerificationChannel.Sms, "+8615588665555", null, $"message {i}"));
        }

        var files = Directory.GetFiles(_pickup.Path);
        Assert.Equal(3, files.Length);
        Assert.All(files, f => Assert.EndsWith(".json", f, StringComparison.Ordinal));
        Assert.Equal(new[] { "message 0", "message 1", "message 2" }, _pickup.ReadFiles().Select(f => f.Body).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PickupDirectorySender_FolderMissing_CreatesIt()
    {
        var nested = Path.Combine(_pickup.Path, "a", "b");
        var sender = new PickupDirectorySender(nested, new FakeTimeProvider(Now));
        Assert.False(Directory.Exists(nested));

        await sender.SendAsync(Message(VerificationChannel.Sms, "+8615588665555", null, "body"));

        Assert.Single(Directory.GetFiles(nested));
        Assert.Equal(Path.GetFullPath(nested), sender.Directory);
    }

    [Fact]
    public async Task PickupDirectorySender_PathIsAFile_ThrowsTransientDeliveryException()
    {
        Directory.CreateDirectory(_pickup.Path);
        var file = Path.Combine(_pickup.Path, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");
        var sender = new PickupDirectorySender(file, new FakeTimeProvider(Now));

        var e = await Assert.ThrowsAsync<DeliveryException>(async () => await sender.SendAsync(Message(VerificationChannel.Sms, "+8615588665555", null, "012345 is your code.")));

        Assert.Equal(DeliveryFailureKind.Transient, e.Kind);
        Assert.DoesNotContain("012345", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void PickupDirectorySender_BlankFolder_ThrowsArgumentException(string folder)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new PickupDirectorySender(folder));

        Assert.Equal("directory", e.ParamName);
    }

    [Fact]
    public async Task ConsoleVerificationSender_Sms_PrintsRecipientAndBody()
    {
        using var writer = new StringWriter();
        var sender = new ConsoleVerificationSender(writer);

        await sender.SendAsync(Message(VerificationChannel.Sms, "+8615588665555", null, "012345 is your code."));

        var text = writer.ToString();
        Assert.Contains("SMS", text, StringComparison.Ordinal);
        Assert.Contains("+8615588665555", text, StringComparison.Ordinal);
        Assert.Contains("012345 is your code.", text, StringComparison.Ordinal);
        Assert.EndsWith(Environment.NewLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsoleVerificationSender_Email_PrintsRecipientSubjectAndBody()
    {
        using var writer = new StringWriter();
        var sender = new ConsoleVerificationSender(writer);

        await sender.SendAsync(Message(VerificationChannel.Email, "alice@example.com", "Your sign-in code", "Your code is: 012345"));

        var text = writer.ToString();
        Assert.Contains("Email", text, StringComparison.Ordinal);
        Assert.Contains("alice@example.com", text, StringComparison.Ordinal);
        Assert.Contains("Your sign-in code", text, StringComparison.Ordinal);
        Assert.Contains("Your code is: 012345", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ConsoleVerificationSender_NullWriter_ThrowsArgumentNullException()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new ConsoleVerificationSender(null!));

        Assert.Equal("writer", e.ParamName);
    }

    [Fact]
    public async Task SendAsync_PickupDirectoryWithoutAContainer_ChannelStaysDisabled()
    {
        // The pickup-directory fallback is a registration decision of AddVerification() (tested in
        // Verification.Extensions.Tests); the constructor delivers only through the senders it is given.
        var service = CreateService(o => o.PickupDirectory = _pickup.Path, smsSenders: [], emailSenders: []);

        var email = await service.SendAsync(new VerificationRequest(Email: "alice@example.com"));

        Assert.Equal(VerificationErrorReasons.ChannelDisabled, email.Error?.Reason);
        Assert.False(_pickup.HasFiles);
    }

    [Fact]
    public async Task SendAsync_NoEmailSenderAndNoPickupDirectory_IsFailedPreconditionChannelDisabled()
    {
        var outbox = new FakeSmsSender();
        var service = CreateService(_ => { }, smsSenders: [outbox], emailSenders: []);

        var email = await service.SendAsync(new VerificationRequest(Email: "alice@example.com"));

        Assert.False(email.Succeeded);
        Assert.Equal(VerificationErrorCodes.FailedPrecondition, email.Error.Code);
        Assert.Equal(VerificationErrorReasons.ChannelDisabled, email.Error.Reason);
        Assert.Equal("email", email.Error.Field);
        Assert.Empty(outbox.Messages);
    }

    private static VerificationMessage Message(VerificationChannel channel, string to, string? subject, string body) => new()
    {
        Channel = channel,
        To = to,
        Subject = subject,
        Body = body,
        HtmlBody = subject is null ? null : "<p>" + body + "</p>",
        Code = "012345",
        Lifetime = TimeSpan.FromMinutes(10),
        Culture = CultureInfo.GetCultureInfo("en-US"),
    };

    private static VerificationService CreateService(Action<VerificationOptions> configure, ISmsSender[] smsSenders, IEmailSender[] emailSenders)
    {
        var options = new VerificationOptions();
        TestKeys.UseFreshHs256(options.Tokens);
        configure(options);
        return new VerificationService(Options.Create(options), new InMemoryCodeStore(), smsSenders, emailSenders, timeProvider: new FakeTimeProvider(Now));
    }
}
