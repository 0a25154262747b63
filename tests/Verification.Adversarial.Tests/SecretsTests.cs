using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verification.FaultRun;

using Verification.Captcha.Image;

namespace Verification.Adversarial.Tests;

/// <summary>
/// Threat T10 of docs/security.md (secrets in logs): a full flow — SMS through a Twilio stand-in (with a credential), email, wrong and
/// right codes, redemption twice, image captcha, a failing provider — with every log line captured at Trace: no
/// code, token or credential appears anywhere in a line (message, state or exception); contacts only masked.
/// </summary>
public sealed class SecretsTests
{
    [Fact]
    public async Task FullFlow_LogsAtTrace_NoCodeTokenOrCredentialAndContactsMasked()
    {
        var deliveries = new DeliveryLog();
        await using var provider = await ProviderStandIn.StartAsync(deliveries);
        var hashKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var renderer = new RecordingCaptchaRenderer();
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Sms = false;
            o.CaptchaRenderer = renderer;
            o.Verification = v =>
            {
                v.Tokens.HashKey = hashKey;
                v.Delivery.RetryDelay = TimeSpan.Zero;
            };
            o.Services = s =>
            {
                s.Configure<LoggerFilterOptions>(f =>
                {
                    f.MinLevel = LogLevel.Trace;
                    f.Rules.Clear();
                });
                s.AddVerification().AddTwilioSms(t =>
                {
                    t.AccountSid = ProviderStandIn.AccountSid;
                    t.AuthToken = ProviderStandIn.AuthToken;
                    t.From = ProviderStandIn.From;
                    t.Endpoint = provider.Endpoint;
                });
            };
        });
        var secrets = new List<string> { ProviderStandIn.AuthToken, hashKey };

        // SMS: send, a wrong code, the right code, redeem twice.
        var smsId = await app.SendAsync("""{"phone_number":"+86 15588665555"}""");
        var smsCode = Regex.Match(provider.Delivered[^1].Message.Body, "[0-9]{6}").Value;
        secrets.AddRange([smsId, smsCode]);
        using (await app.PostAsync("/auth/v1/verification/verify", $$"""{"verification_id":"{{smsId}}","verification_code":"{{ServiceHarness.WrongCode(smsCode)}}"}"""))
        {
        }

        using var verified = await app.PostAsync("/auth/v1/verification/verify", $$"""{"verification_id":"{{smsId}}","verification_code":"{{smsCode}}"}""");
        var token = (await Json.ReadSuccessAsync(verified)).GetProperty("verification_token").GetString()!;
        secrets.Add(token);
        var service = app.Services.GetRequiredService<IVerificationService>();
        Assert.True((await service.RedeemVerificationTokenAsync(token)).Succeeded);
        Assert.False((await service.RedeemVerificationTokenAsync(token)).Succeeded);

        // Email, and an image captcha solved and spent.
        var emailId = await app.SendAsync($$"""{"email":"{{TestApp.Email}}"}""");
        secrets.AddRange([emailId, app.EmailSender.LastCode!]);
        using var data = await app.PostAsync("/auth/v1/captcha/data", "{}");
        var challenge = (await Json.ReadSuccessAsync(data)).GetProperty("token").GetString()!;
        using var solved = await app.PostAsync("/auth/v1/captcha/data/verify", $$"""{"token":"{{challenge}}","key":"{{renderer.Last}}"}""");
        var captchaToken = (await Json.ReadSuccessAsync(solved)).GetProperty("captcha_token").GetString()!;
        secrets.AddRange([challenge, captchaToken]);

        // A provider failing in every way that carries an exception into the logs.
        foreach (var mode in new[] { ProviderMode.ServerError, ProviderMode.Drop, ProviderMode.Throttle })
        {
            provider.Mode = mode;
            using (await app.PostAsync("/auth/v1/verification", $$"""{"phone_number":"+86 1380013{{(int)mode:D4}}"}"""))
            {
            }
        }

        var lines = app.Logs.GetSnapshot();
        Assert.NotEmpty(lines);
        var texts = lines.Select(l => $"{l.Message} | {string.Join(", ", l.StructuredState?.Select(kv => $"{kv.Key}={kv.Value}") ?? [])} | {l.Exception}").ToList();
        Assert.Contains(lines, l => l.Level == LogLevel.Trace || l.Level == LogLevel.Debug);
        foreach (var text in texts)
        {
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"a secret ({secret[..Math.Min(6, secret.Length)]}…) in: {text}");
            }

            Assert.DoesNotContain("15588665555", text, StringComparison.Ordinal);
            Assert.DoesNotContain("someone@", text, StringComparison.Ordinal);
            Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
        }

        Assert.Contains(texts, t => t.Contains("+86 155****5555", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("s***@example.com", StringComparison.Ordinal));
    }
}
