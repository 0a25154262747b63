using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

using Verification.Captcha.Image;

namespace Verification.AspNetCore.Tests;

/// <summary>
/// The logging rules of every package (README "Telemetry, logs and health checks"; threat T10 of docs/security.md):
/// one source-generated <c>Log</c> class per
/// assembly with event ids unique and inside the package's range, and a full flow over HTTP — with real failing
/// providers (Twilio and SMTP on closed ports), captcha, wrong and right codes, redemption — whose every log line and
/// structured value, in every category at Trace level, holds no code, token, key, credential or unmasked contact.
/// </summary>
public sealed class LoggingAuditTests
{
    private const string SendPath = "/auth/v1/verification";
    private const string VerifyPath = "/auth/v1/verification/verify";
    private const string TwilioAuthToken = "twilio-auth-token-must-never-be-logged-0123";
    private const string SmtpPassword = "smtp-Pa55word-must-never-be-logged";

    /// <summary>The event-id range of each assembly that logs (docs/telemetry.md).</summary>
    private static readonly Dictionary<string, (int Min, int Max)> Ranges = new(StringComparer.Ordinal)
    {
        ["Verification.Core"] = (1000, 1099),
        ["Verification.AspNetCore"] = (2000, 2099),
        ["Verification.Captcha"] = (3000, 3099),
        ["Verification.MailKit"] = (4000, 4099),
        ["Verification.TencentCloud"] = (5000, 5099),
        ["Verification.Twilio"] = (6000, 6099),
        ["Verification.Identity"] = (7000, 7099),
        ["Verification.Extensions"] = (8000, 8099),
    };

    private static readonly Assembly[] Packages =
    [
        typeof(VerificationService).Assembly,
        typeof(IVerificationBuilder).Assembly,
        typeof(VerificationEndpointOptions).Assembly,
        typeof(Captcha.CaptchaSiteverify).Assembly,
        typeof(Captcha.Image.SkiaCaptchaImageOptions).Assembly,
        typeof(SmtpEmailSender).Assembly,
        typeof(RedisCodeStore).Assembly,
        typeof(TencentCloud.TencentCloudSmsOptions).Assembly,
        typeof(Twilio.TwilioSmsOptions).Assembly,
        typeof(Identity.IdentityVerificationOptions).Assembly,
    ];

    [Fact]
    public void LoggerMessages_EveryPackage_EventIdsUniqueAndInsideThePackageRange()
    {
        var seen = new Dictionary<int, string>();
        foreach (var assembly in Packages)
        {
            var name = assembly.GetName().Name!;
            var methods = LogEventIds.Of(assembly);
            if (methods.Count == 0)
            {
                continue;
            }

            Assert.True(Ranges.TryGetValue(name, out var range), $"{name} logs but has no event-id range; give it one here and in docs/telemetry.md.");

            // One Log class per assembly.
            Assert.Equal(["Log"], methods.Select(x => x.Method.DeclaringType!.Name).Distinct());
            foreach (var (method, attribute) in methods)
            {
                var where = $"{name} {method.DeclaringType!.FullName}.{method.Name}";
                Assert.InRange(attribute.EventId, range.Min, range.Max);
                Assert.True(seen.TryAdd(attribute.EventId, where), $"Event id {attribute.EventId} of {where} is also used by {seen.GetValueOrDefault(attribute.EventId)}.");
                Assert.False(string.IsNullOrWhiteSpace(attribute.Message), where + " has no message.");
            }
        }

        // Every range in use: the scan really found the generated methods.
        Assert.All(Ranges.Values, r => Assert.Contains(seen.Keys, id => id >= r.Min && id <= r.Max));
    }

    [Fact]
    public async Task FullFlow_AtTraceInEveryCategory_NoCodeTokenKeyCredentialOrUnmaskedContactInAnyLog()
    {
        var renderer = new RecordingCaptchaRenderer();
        var sms = new FakeSmsSender();
        var email = new FakeEmailSender();
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Sms = false;
            o.Email = false;
            o.CaptchaRenderer = renderer;
            o.Verification = v =>
            {
                // Ten digits: a code found in the logs is the code, not a coincidence.
                v.Code.Length = 10;
                v.Captcha.KeyLength = 6;
                v.Delivery.RetryDelay = TimeSpan.Zero;
                v.Throttling.PerIp = new RateWindow(1, TimeSpan.FromHours(1));
            };
            o.Services = services =>
            {
                services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
                services.AddVerification()
                    .AddTwilioSms(t =>
                    {
                        t.AccountSid = "AC0123456789abcdef0123456789abcdef";
                        t.AuthToken = TwilioAuthToken;
                        t.From = "+15005550006";
                        t.Endpoint = ClosedPort();
                    })
                    .AddSmsSender(sms)
                    .AddSmtpEmail(s =>
                    {
                        s.Host = "127.0.0.1";
                        s.Port = ClosedPort().Port;
                        s.Security = SmtpSecurity.None;
                        s.From = "no-reply@example.com";
                        s.UserName = "mailer";
                        s.Password = SmtpPassword;
                        s.Timeout = TimeSpan.FromSeconds(10);
                    })
                    .AddEmailSender(email);
            };
        });
        var secrets = new List<string> { TwilioAuthToken, SmtpPassword, "15588665555", TestApp.Email, "someone%40example.com" };

        // SMS: Twilio cannot be reached, the outbox takes over; a wrong code, then the right one; redeemed twice.
        var smsId = await app.SendAsync($$"""{"phone_number":"{{TestApp.Phone}}"}""");
        var smsCode = sms.LastCode!;
        using (var wrong = await app.PostAsync(VerifyPath, Verify(smsId, Wrong(smsCode))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        var smsToken = await VerifiedTokenAsync(app, smsId, smsCode);
        var service = app.Services.GetRequiredService<IVerificationService>();
        Assert.True((await service.RedeemVerificationTokenAsync(smsToken)).Succeeded);
        Assert.False((await service.RedeemVerificationTokenAsync(smsToken)).Succeeded);

        // Email from the same client: the per-IP soft limit asks for a captcha; a wrong key, then the right one.
        using (var required = await app.PostAsync(SendPath, $$"""{"email":"{{TestApp.Email}}"}"""))
        {
            await Json.AssertErrorAsync(required, HttpStatusCode.BadRequest, "captcha_required", 4028);
        }

        var challenge = (await Json.ReadSuccessAsync(await app.PostAsync("/auth/v1/captcha/data", "{}"))).GetProperty("token").GetString()!;
        var key = renderer.Last;
        using (var wrongKey = await app.PostAsync("/auth/v1/captcha/data/verify", JsonSerializer.Serialize(new { token = challenge, key = RecordingCaptchaRenderer.WrongKey(key) })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrongKey.StatusCode);
        }

        var captchaToken = (await Json.ReadSuccessAsync(await app.PostAsync("/auth/v1/captcha/data/verify", JsonSerializer.Serialize(new { token = challenge, key }))))
            .GetProperty("captcha_token").GetString()!;

        // SMTP cannot be reached (with credentials configured), the outbox takes over.
        using var send = new HttpRequestMessage(HttpMethod.Post, SendPath) { Content = new StringContent($$"""{"email":"{{TestApp.Email}}"}""", Encoding.UTF8, "application/json") };
        send.Headers.Add("x-captcha-token", captchaToken);
        using var sent = await app.Client.SendAsync(send);
        var emailId = (await Json.ReadSuccessAsync(sent)).GetProperty("verification_id").GetString()!;
        var emailCode = email.LastCode!;
        var emailToken = await VerifiedTokenAsync(app, emailId, emailCode);

        // A replayed captcha token and a forged verification id.
        using (var replay = new HttpRequestMessage(HttpMethod.Post, SendPath) { Content = new StringContent("""{"phone_number":"+86 13800138000"}""") })
        {
            replay.Headers.Add("x-captcha-token", captchaToken);
            using var replayed = await app.Client.SendAsync(replay);
            Assert.NotEqual(HttpStatusCode.OK, replayed.StatusCode);
        }

        using (var forged = await app.PostAsync(VerifyPath, Verify(smsId[..^4] + "AAAA", smsCode)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        secrets.AddRange([smsCode, emailCode, smsId, emailId, smsToken, emailToken, challenge, captchaToken, key]);
        secrets.AddRange(new[] { smsId, emailId, smsToken, emailToken, challenge, captchaToken }.Select(t => t[(t.LastIndexOf('.') + 1)..]));
        secrets.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes("AC0123456789abcdef0123456789abcdef:" + TwilioAuthToken)));

        var records = app.Logs.GetSnapshot();

        // The capture really covers the framework at Trace and the providers' failures.
        Assert.Contains(records, r => r.Category?.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) == true && r.Level == LogLevel.Trace);
        Assert.Contains(records, r => r.Id.Id == 1002 && r.Message.Contains("twilio", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 1002 && r.Message.Contains("smtp", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Message.Contains("+86 155****5555", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Message.Contains("s***@example.com", StringComparison.Ordinal));

        foreach (var record in records)
        {
            var texts = new List<string> { record.Message, record.Exception?.ToString() ?? string.Empty };
            texts.AddRange(record.StructuredState?.Select(p => p.Key + "=" + p.Value) ?? []);
            foreach (var text in texts)
            {
                foreach (var secret in secrets)
                {
                    Assert.False(
                        text.Contains(secret, StringComparison.Ordinal),
                        $"{record.Category} [{record.Level} {record.Id}] writes a secret ({secret[..Math.Min(6, secret.Length)]}…): {text}");
                }
            }
        }
    }

    private static string Verify(string id, string code) => JsonSerializer.Serialize(new Dictionary<string, string> { ["verification_id"] = id, ["verification_code"] = code });

    private static async Task<string> VerifiedTokenAsync(TestApp app, string id, string code)
    {
        using var response = await app.PostAsync(VerifyPath, Verify(id, code));
        return (await Json.ReadSuccessAsync(response)).GetProperty("verification_token").GetString()!;
    }

    private static string Wrong(string code) => string.Concat(code.AsSpan(0, code.Length - 1), ((code[^1] - '0' + 1) % 10).ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A loopback URL on which nothing listens.</summary>
    private static Uri ClosedPort() => Loopback.ClosedPortUri();
}
