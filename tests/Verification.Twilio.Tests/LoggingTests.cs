using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Verification.Twilio.Tests;

/// <summary>Credentials, codes and message bodies never reach the logs; event ids are unique and in 6000–6099.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task EveryOutcome_AtTraceLevel_LogsNoCredentialCodeOrBody()
    {
        var answers = new[]
        {
            Answer.Created(),
            Answer.Error(400, 21211, $"The 'To' number {Messages.Phone} is not a valid phone number."),
            Answer.Error(400, 21614, "Not a mobile number"),
            Answer.Error(429, 20429, "Too Many Requests"),
            Answer.Error(401, 20003, "Authenticate"),
            Answer.Error(400, 21610, "Unsubscribed"),
            Answer.Error(500, 20500, "Internal Server Error"),
            new Answer(200, "text/html", "<html>" + TestAccount.AuthToken + "</html>"),
            new Answer(201, Answer.Json, """{"sid":"""),
        };
        var records = new List<FakeLogRecord>();
        var outbox = new FakeSmsSender();

        await using (var standIn = await TwilioStandIn.StartAsync(script: answers))
        {
            using (var h = Harness.For(standIn.Endpoint))
            {
                foreach (var _ in answers)
                {
                    try
                    {
                        await h.Twilio.SendAsync(Messages.Sms());
                    }
                    catch (DeliveryException)
                    {
                    }
                }

                records.AddRange(h.Logs.GetSnapshot());
            }

            // Through the service, whose own log lines carry the sender's exception.
            using (var h = new Harness(b => b.AddTwilioSms(o =>
            {
                Harness.Account(o);
                o.Endpoint = standIn.Endpoint;
                o.AuthToken = null;
                o.ApiKeySid = TestAccount.ApiKeySid;
                o.ApiKeySecret = TestAccount.ApiKeySecret;
            }).AddSmsSender(outbox)))
            {
                await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Messages.Phone));
                records.AddRange(h.Logs.GetSnapshot());
            }
        }

        using (var h = Harness.For(TwilioStandIn.ClosedPortEndpoint()))
        {
            await Assert.ThrowsAsync<DeliveryException>(() => h.Twilio.SendAsync(Messages.Sms()).AsTask());
            records.AddRange(h.Logs.GetSnapshot());
        }

        var secrets = new[]
        {
            TestAccount.AuthToken, TestAccount.ApiKeySecret, Messages.Code, Messages.Sms().Body,
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{TestAccount.AccountSid}:{TestAccount.AuthToken}")),
            Messages.Phone,
        }.Concat(outbox.Messages.SelectMany(m => new[] { m.Code, m.Body })).ToList();
        Assert.Contains(records, r => r.Id.Id == 6003);
        Assert.NotEmpty(records);
        foreach (var record in records)
        {
            var text = string.Join(
                "\n",
                new[] { record.Message, record.Exception?.ToString() }
                    .Concat(record.StructuredState?.Select(p => p.Value) ?? []));
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task AuthenticationFailure_IsAnErrorNamingTheCredentialKey()
    {
        await using var standIn = await TwilioStandIn.StartAsync(then: Answer.Error(401, 20003, "Authenticate"));
        using var h = Harness.For(standIn.Endpoint);

        await Assert.ThrowsAsync<DeliveryException>(() => h.Twilio.SendAsync(Messages.Sms()).AsTask());

        var record = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 6003);
        Assert.Equal(LogLevel.Error, record.Level);
        Assert.Contains("Verification:Twilio:AuthToken", record.Message, StringComparison.Ordinal);
        Assert.Contains("configuration", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EventIds_AreUniqueAndInTheAssemblysRange()
    {
        LogEventIds.AssertUniqueInRange(typeof(TwilioSmsOptions).Assembly, 6000, 6099);
    }
}
