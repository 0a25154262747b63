using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Verification.Captcha.Tests;

/// <summary>Tokens and secrets never reach the logs; event ids are unique and in 3000–3099.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task EveryOutcome_AtTraceLevel_LogsNeitherTokensNorSecrets()
    {
        const string token = "0.TOKEN-that-must-not-be-logged.4f1c";
        const string wrongSecret = "0x4AAAAAAA-SECRET-that-must-not-be-logged";
        var secrets = new[] { TestKeys.TurnstileAlwaysPasses, TestKeys.TurnstileAlwaysFails, wrongSecret, TestKeys.TurnstileDummyToken, token, "TOKEN-that", "SECRET-that" };
        var records = new List<FakeLogRecord>();

        await using (var standIn = await StandIn.StartAsync(Siteverify.Turnstile()))
        {
            using (var h = Harness.Turnstile(standIn.Endpoint))
            {
                Expect.Valid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client));
                Expect.Invalid(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), CaptchaValidationReasons.Duplicate);
                Expect.Invalid(await h.Validator.ValidateAsync(token, Harness.Client), "invalid-input-response");
                Expect.Invalid(await h.Validator.ValidateAsync(token + "\n", Harness.Client), CaptchaValidationReasons.MalformedToken);
                records.AddRange(h.Logs.GetSnapshot());
            }

            using (var h = Harness.Turnstile(standIn.Endpoint, TestKeys.TurnstileAlwaysFails))
            {
                Expect.Invalid(await h.Validator.ValidateAsync(token, Harness.Client), "invalid-input-response");
                records.AddRange(h.Logs.GetSnapshot());
            }

            using (var h = Harness.Turnstile(standIn.Endpoint, wrongSecret))
            {
                Expect.Unavailable(await h.Validator.ValidateAsync(token, Harness.Client), "invalid-input-secret");
                records.AddRange(h.Logs.GetSnapshot());
            }

            using (var h = Harness.Turnstile(standIn.Endpoint, store: new RecordingStore(down: true)))
            {
                Expect.Unavailable(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), CaptchaValidationReasons.StoreUnavailable);
                records.AddRange(h.Logs.GetSnapshot());
            }
        }

        await using (var broken = await StandIn.StartAsync(StandIn.Raw(200, "text/html", "<html>" + token + "</html>")))
        using (var h = Harness.Turnstile(broken.Endpoint, wrongSecret))
        {
            Expect.Unavailable(await h.Validator.ValidateAsync(token, Harness.Client), CaptchaValidationReasons.MalformedResponse);
            records.AddRange(h.Logs.GetSnapshot());
        }

        using (var h = Harness.Turnstile(StandIn.ClosedPortEndpoint(), wrongSecret))
        {
            Expect.Unavailable(await h.Validator.ValidateAsync(token, Harness.Client), CaptchaValidationReasons.NetworkError);
            records.AddRange(h.Logs.GetSnapshot());
        }

        Assert.NotEmpty(records);
        foreach (var record in records)
        {
            var text = string.Join('\n', new[] { record.Message, record.Exception?.ToString() }
                .Concat(record.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? [])
                .Concat(record.Scopes.Select(s => s?.ToString())));
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }

        // Each outcome was logged by this package.
        var ids = records.Where(r => r.Category?.StartsWith("Verification.Captcha", StringComparison.Ordinal) == true).Select(r => r.Id.Id).ToHashSet();
        Assert.Superset(new HashSet<int> { 3000, 3001, 3002, 3003, 3006, 3008, 3009, 3010 }, ids);
    }

    [Fact]
    public void LogMessages_HaveUniqueEventIdsFrom3000To3099()
    {
        LogEventIds.AssertUniqueInRange(typeof(CaptchaSiteverify).Assembly, 3000, 3099);
    }

    [Fact]
    public async Task ProviderTimeout_IsLoggedAsAWarningWithTheBound()
    {
        await using var standIn = await StandIn.StartAsync(StandIn.NeverAnswers());
        using var h = Harness.Turnstile(standIn.Endpoint, configure: o => o.Timeout = TimeSpan.FromMilliseconds(300));

        Expect.Unavailable(await h.Validator.ValidateAsync(TestKeys.TurnstileDummyToken, Harness.Client), CaptchaValidationReasons.Timeout);

        var record = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 3005);
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Contains("00:00:00.3", record.Message, StringComparison.Ordinal);
    }
}
