using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Verification.TencentCloud.Tests;

/// <summary>No code, SecretKey, Authorization header or full phone number reaches the logs; event ids are unique and in 5000–5099.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task EveryOutcome_AtTraceLevel_LogsNeitherSecretsNorCodes()
    {
        var records = new List<FakeLogRecord>();
        var forbidden = new List<string> { Account.SecretKey, "wrong-key-that-must-not-be-logged", "TC3-HMAC-SHA256 Credential", "Signature=", Harness.Phone, "15588665555" };
        Func<SendSmsRequest, Answer?>[] answers =
        [
            Answer.Ok,
            r => Answer.PerNumber(r, "InvalidParameterValue.IncorrectPhoneNumber"),
            r => Answer.PerNumber(r, "LimitExceeded.PhoneNumberThirtySecondLimit"),
            _ => Answer.Error("InternalError.Timeout"),
            r => Answer.PerNumber(r, "FailedOperation.PhoneNumberInBlacklist"),
            _ => Answer.Error("SomethingNew.NeverDocumented"),
            _ => new Answer(500, "text/html", "<html>oops</html>"),
            _ => new Answer(200, "application/json", "{\"Response\":"),
        ];

        foreach (var answer in answers)
        {
            await using var standIn = await SendSmsStandIn.StartAsync(answer, () => Harness.Now);
            using var h = new Harness(standIn.Endpoint);
            var sent = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: Harness.Phone));
            forbidden.AddRange(standIn.Requests.Select(r => r.TemplateParamSet[0]));
            // Throttled answers are retried by the service's pipeline, so there may be several requests.
            Assert.NotEmpty(standIn.Requests);
            forbidden.AddRange(standIn.Requests.Select(r => r.Headers["authorization"]));
            records.AddRange(h.Logs.GetSnapshot());
            Assert.NotNull(sent);
        }

        await using (var standIn = await SendSmsStandIn.StartAsync(Answer.Ok, () => Harness.Now))
        using (var h = new Harness(standIn.Endpoint, o => o.SecretKey = "wrong-key-that-must-not-be-logged"))
        {
            await Assert.ThrowsAsync<DeliveryException>(() => h.Sender.SendAsync(Harness.Message(code: "731904")).AsTask());
            forbidden.Add("731904");
            records.AddRange(h.Logs.GetSnapshot());
        }

        using (var h = new Harness(SendSmsStandIn.ClosedPortEndpoint()))
        {
            await Assert.ThrowsAsync<DeliveryException>(() => h.Sender.SendAsync(Harness.Message(code: "650218")).AsTask());
            forbidden.Add("650218");
            records.AddRange(h.Logs.GetSnapshot());
        }

        Assert.NotEmpty(records);
        foreach (var record in records)
        {
            var text = Harness.Text(record);
            foreach (var secret in forbidden)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), record.Category + " " + record.Id + ": " + text);
            }
        }

        var ids = records.Where(r => r.Category?.StartsWith("Verification.TencentCloud", StringComparison.Ordinal) == true).Select(r => r.Id.Id).ToHashSet();
        Assert.Superset(new HashSet<int> { 5000, 5001, 5002, 5003, 5004, 5005, 5006, 5007, 5010 }, ids);
    }

    [Fact]
    public void LogMessages_HaveUniqueEventIdsFrom5000To5099()
    {
        LogEventIds.AssertUniqueInRange(typeof(TencentCloudSmsOptions).Assembly, 5000, 5099);
    }
}
