using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Verification.Tests;

/// <summary><c>Verification:PickupDirectory</c>: AddVerification() delivers channels that have no sender to the folder.</summary>
public sealed class PickupDirectoryFallbackTests : IDisposable
{
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    // Each test gets its own folder; Dispose deletes it.
    private readonly PickupFolder _pickup = new();
    private ServiceProvider? _provider;

    public void Dispose()
    {
        _provider?.Dispose();
        _pickup.Dispose();
    }

    [Fact]
    public async Task SendAsync_PickupDirectoryAndNoSenders_DeliversBothChannelsToTheFolder()
    {
        var service = CreateService(smsSender: null);

        var sms = await service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 5555"));
        var email = await service.SendAsync(new VerificationRequest(Email: "alice@example.com"));

        Assert.True(sms.Succeeded, sms.ToString());
        Assert.True(email.Succeeded, email.ToString());
        var documents = _pickup.ReadFiles();
        Assert.Equal(2, documents.Count);
        var smsFile = Assert.Single(documents, d => d.Channel == "sms");
        var emailFile = Assert.Single(documents, d => d.Channel == "email");
        Assert.Equal("+8615588665555", smsFile.To);
        Assert.Equal("alice@example.com", emailFile.To);
        Assert.False(string.IsNullOrEmpty(emailFile.Subject));
        Assert.Equal(Now.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture), smsFile.CreatedAt);

        // The code in the file is the one that verifies.
        var verified = await service.VerifyAsync(new VerifyRequest(sms.Value.VerificationId, CodeIn(smsFile.Body)));
        Assert.True(verified.Succeeded, verified.ToString());
    }

    [Fact]
    public async Task SendAsync_SmsSenderRegisteredAndPickupDirectory_SendsSmsToTheSenderAndEmailToTheFolder()
    {
        var outbox = new FakeSmsSender();
        var service = CreateService(smsSender: outbox);

        var sms = await service.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 5555"));
        Assert.True(sms.Succeeded, sms.ToString());
        Assert.Single(outbox.Messages);
        Assert.False(_pickup.HasFiles, "The SMS went to the pickup folder too.");

        var email = await service.SendAsync(new VerificationRequest(Email: "alice@example.com"));

        Assert.True(email.Succeeded, email.ToString());
        Assert.Single(outbox.Messages);
        var file = Assert.Single(_pickup.ReadFiles());
        Assert.Equal("email", file.Channel);
        Assert.Equal("alice@example.com", file.To);
    }

    private static string CodeIn(string body) => Regex.Match(body, @"\b\d{6}\b", RegexOptions.None, TimeSpan.FromSeconds(1)).Value;

    private IVerificationService CreateService(ISmsSender? smsSender)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        var builder = services.AddVerification(o =>
        {
            TestKeys.UseFreshHs256(o.Tokens);
            o.PickupDirectory = _pickup.Path;
        });
        if (smsSender is not null)
        {
            builder.AddSmsSender(smsSender);
        }

        _provider = services.BuildServiceProvider();
        return _provider.GetRequiredService<IVerificationService>();
    }
}
