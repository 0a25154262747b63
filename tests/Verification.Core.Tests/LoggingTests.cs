using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Verification.Tests;

/// <summary>
/// Captures every log record of a full flow at Trace level and checks that no secret or unmasked contact is
/// written, in the message, the structured state, the scopes or a logged exception.
/// </summary>
public sealed class LoggingTests
{
    private const string Phone = "+86 155 8866 5555";
    private const string Email = "alice@example.com";

    [Fact]
    public async Task Send_RegionNotAllowed_LogsTheSettingToChange()
    {
        var logger = new FakeLogger<VerificationService>();
        var h = new ServiceHarness(smsSenders: [new FakeSmsSender("sms-outbox")], logger: logger);

        ResultAssert.Failed(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: "+1 202 555 0143")), VerificationErrorCodes.InvalidPhoneNumber, VerificationErrorReasons.RegionNotAllowed);

        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message.Contains("Verification:Phone:AllowedRegions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FullFlow_AtTraceLevel_LogsNoSecretsAndMasksContacts()
    {
        var logger = new FakeLogger<VerificationService>();
        var sms = new FakeSmsSender("sms-outbox");
        var email = new ScriptedSender("email-flaky")
            .ThenDeliver()
            .ThenThrow(new DeliveryException(DeliveryFailureKind.Transient, "provider answered 503"));
        var h = new ServiceHarness(smsSenders: [sms], emailSenders: [email], logger: logger);
        var secrets = new List<string>();
        var codes = new List<string>();

        // Send by phone and by email.
        var phoneSent = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone, Usage: VerificationUsage.SignIn)));
        var emailSent = ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: Email)));
        var phoneCode = sms.LastCode!;
        codes.Add(phoneCode);
        codes.Add(email.Delivered.Single().Code);
        secrets.Add(phoneSent.VerificationId);
        secrets.Add(emailSent.VerificationId);

        // A refused send (cooldown), a wrong code, the right code, a redeem and a second redeem.
        ResultAssert.Failed(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone)), VerificationErrorCodes.RateLimitExceeded);
        var wrongCode = ServiceHarness.WrongCode(phoneCode);
        codes.Add(wrongCode);
        ResultAssert.Failed(await h.Service.VerifyAsync(new VerifyRequest(phoneSent.VerificationId, wrongCode)), VerificationErrorCodes.InvalidVerificationCode);
        var verified = ResultAssert.Succeeded(await h.Service.VerifyAsync(new VerifyRequest(phoneSent.VerificationId, phoneCode)));
        secrets.Add(verified.VerificationToken);
        ResultAssert.Succeeded(await h.Service.RedeemVerificationTokenAsync(verified.VerificationToken));
        ResultAssert.Failed(await h.Service.RedeemVerificationTokenAsync(verified.VerificationToken), VerificationErrorCodes.InvalidVerificationToken);

        // A sender that fails: the code it was handed must not reach the logs either.
        h.Time.Advance(TimeSpan.FromSeconds(61));
        ResultAssert.Failed(await h.Service.SendAsync(new VerificationRequest(Email: Email)), VerificationErrorCodes.Unavailable, VerificationErrorReasons.DeliveryFailed);
        Assert.Equal(2, email.Attempted.Count);
        codes.Add(email.Attempted[^1].Code);

        // The keys and what the store holds.
        secrets.Add(h.Options.Tokens.HashKey!);
        secrets.Add(Convert.ToHexString(Convert.FromBase64String(h.Options.Tokens.HashKey!)));
        secrets.Add(h.Options.Tokens.SigningKeys[0].Secret!);
        foreach (var (record, _, _) in h.Store.Saves)
        {
            secrets.Add(Convert.ToBase64String(record.CodeHash.Span));
            secrets.Add(Convert.ToHexString(record.CodeHash.Span));
        }

        // Every part of every token (header excepted: it is the same for every token of one kind).
        foreach (var token in secrets.Where(s => s.Count(c => c == '.') == 2).ToList())
        {
            var parts = token.Split('.');
            secrets.Add(parts[1]);
            secrets.Add(parts[2]);
            var jwt = new JsonWebToken(token);
            if (jwt.TryGetPayloadValue<string>("t", out var nonce))
            {
                secrets.Add(nonce);
            }

            if (jwt.TryGetPayloadValue<string>("jti", out var tokenId))
            {
                secrets.Add(tokenId);
            }
        }

        var records = logger.Collector.GetSnapshot();
        Assert.NotEmpty(records);
        Assert.Contains(records, r => r.Level == LogLevel.Debug);
        Assert.Contains(records, r => r.Level == LogLevel.Information);
        Assert.Contains(records, r => r.Level == LogLevel.Warning && r.Exception is DeliveryException);
        var texts = records.SelectMany(Texts).ToList();

        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }

        foreach (var code in codes)
        {
            var standalone = new Regex($"(?<![0-9A-Za-z]){code}(?![0-9A-Za-z])", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            Assert.DoesNotContain(texts, t => standalone.IsMatch(t));
        }

        foreach (var raw in new[] { "15588665555", "155 8866 5555", "alice", "lice@example" })
        {
            Assert.DoesNotContain(texts, t => t.Contains(raw, StringComparison.OrdinalIgnoreCase));
        }

        var messages = records.Select(r => r.Message).ToList();
        Assert.Contains(messages, m => m.Contains("+86 155****5555", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("a***@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_StoreFailure_LogsNoContact()
    {
        var logger = new FakeLogger<VerificationService>();
        var h = new ServiceHarness(logger: logger);
        h.Store.Down = true;

        ResultAssert.Failed(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Phone)), VerificationErrorCodes.Unavailable);

        var records = logger.Collector.GetSnapshot();
        Assert.Contains(records, r => r.Level == LogLevel.Error);
        Assert.DoesNotContain(records.SelectMany(Texts), t => t.Contains("15588665555", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(VerificationChannel.Sms, "+8615588665555", "+86 155****5555")]
    [InlineData(VerificationChannel.Sms, "+14155550123", "+1 415****0123")]
    [InlineData(VerificationChannel.Email, "alice@example.com", "a***@example.com")]
    [InlineData(VerificationChannel.Email, "Stephen.Smith@mail.example.org", "S***@mail.example.org")]
    [InlineData(VerificationChannel.Sms, "not a number", "+***")]
    [InlineData(VerificationChannel.Email, "no-at-sign", "***")]
    public void Mask_Contact_HidesTheMiddle(VerificationChannel channel, string contact, string expected)
    {
        Assert.Equal(expected, ContactMasking.Mask(channel, contact));
        Assert.Equal(expected, new MaskedContact(channel, contact).ToString());
    }

    private static IEnumerable<string> Texts(FakeLogRecord record)
    {
        yield return record.Message;
        if (record.StructuredState is { } state)
        {
            foreach (var (key, value) in state)
            {
                yield return key;
                yield return value ?? string.Empty;
            }
        }

        foreach (var scope in record.Scopes)
        {
            yield return scope?.ToString() ?? string.Empty;
        }

        if (record.Exception is { } exception)
        {
            yield return exception.ToString();
        }
    }
}
