using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using Xunit.Abstractions;

using Verification.Captcha.Image;

namespace Verification.Adversarial.Tests;

/// <summary>
/// Threat T5 of docs/security.md (hostile input): property-based fuzzing of <see cref="IVerificationService"/> and of the HTTP endpoints
/// with hostile strings, Unicode tricks, huge values and every JSON type in every field. Each property prints how
/// many cases ran (figures in docs/security.md).
/// </summary>
public sealed class InputFuzzTests(ITestOutputHelper output)
{
    private const long Iterations = 1_500;

    [Fact]
    public async Task SendAsync_HostileInput_NeverThrowsAlwaysADocumentedAnswerAndOnlyValidInputReachesASender()
    {
        var h = new ServiceHarness();
        var gen = Gen.Select(Hostile.Text, Hostile.Text, Gen.Int[-1, 4], Gen.Int[-1, 6], Hostile.Text, Hostile.Text, Hostile.Text);
        var cases = 0;

        await gen.SampleAsync(
            async (phone, email, target, usage, captcha, device, idempotency) =>
            {
                Interlocked.Increment(ref cases);
                h.Time.Advance(TimeSpan.FromMinutes(2)); // past every cooldown, so valid input really is sent
                var before = (Sms: h.SmsSender.Messages.Count, Email: h.EmailSender.Messages.Count);
                var request = new VerificationRequest(phone, email, (VerificationTarget)target, usage < 0 ? null : (VerificationUsage)usage, captcha);
                var context = new VerificationContext { DeviceId = device, IdempotencyKey = idempotency, ClientIp = IPAddress.Loopback };

                var result = await h.Service.SendAsync(request, context);

                var delivered = h.SmsSender.Messages.Skip(before.Sms).Concat(h.EmailSender.Messages.Skip(before.Email)).ToList();
                if (result.Succeeded)
                {
                    // A replayed Idempotency-Key answers without a new message; any other success sends exactly one.
                    Assert.True(delivered.Count <= 1, $"{delivered.Count} messages for one send");
                    Assert.All(delivered, m => Assert.True(Hostile.IsDeliverableAddress(m.To), $"sent to '{m.To}'"));
                }
                else
                {
                    Assert.Contains(result.Error.Code, Hostile.DocumentedErrors);
                    Assert.Empty(delivered);
                }
            },
            iter: Iterations,
            threads: 1);

        output.WriteLine($"SendAsync fuzz cases: {cases}");
        Assert.Equal(Iterations, cases);
    }

    [Fact]
    public async Task VerifyAsync_HostileInput_NeverThrowsNeverVerifiesAlwaysADocumentedAnswer()
    {
        var h = new ServiceHarness();
        var (genuineId, _) = await h.SendPhoneAsync();
        var parts = genuineId.Split('.');
        var idGen = Gen.Frequency(
            (4, Hostile.Text),
            (2, Hostile.Text.Select(t => (string?)$"{parts[0]}.{t}.{parts[2]}")),
            (2, Hostile.Text.Select(t => (string?)$"{t}.{parts[1]}.{parts[2]}")),
            (1, Hostile.Text.Select(t => (string?)$"{parts[0]}.{parts[1]}.{t}")));
        var codeGen = Gen.Frequency((3, Hostile.Text), (1, Gen.Int[0, 999_999].Select(i => (string?)i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture))));
        var cases = 0;

        await Gen.Select(idGen, codeGen).SampleAsync(
            async (id, code) =>
            {
                Interlocked.Increment(ref cases);
                var result = await h.Service.VerifyAsync(new VerifyRequest(id, code));

                Assert.False(result.Succeeded, "a forged id verified");
                Assert.Contains(result.Error.Code, Hostile.DocumentedErrors);
            },
            iter: Iterations,
            threads: 1);

        output.WriteLine($"VerifyAsync fuzz cases: {cases}");
        Assert.Equal(Iterations, cases);
    }

    [Fact]
    public async Task RedeemVerificationTokenAsync_HostileInput_NeverThrowsNeverRedeems()
    {
        var h = new ServiceHarness();
        var cases = 0;

        await Hostile.Text.SampleAsync(
            async token =>
            {
                Interlocked.Increment(ref cases);
                var result = await h.Service.RedeemVerificationTokenAsync(token!);

                Assert.False(result.Succeeded);
                Assert.Contains(result.Error.Code, Hostile.DocumentedErrors);
            },
            iter: Iterations / 3,
            threads: 1);

        output.WriteLine($"RedeemVerificationTokenAsync fuzz cases: {cases}");
    }

    [Fact]
    public async Task SendAsync_EverySpellingOfOneNumber_SharesOneRateLimitBucket()
    {
        var h = new ServiceHarness();
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(PhoneNumber: ServiceHarness.Phone)));
        var accepted = 0;
        var cases = 0;

        await Hostile.PhoneSpelling.SampleAsync(
            async spelling =>
            {
                Interlocked.Increment(ref cases);
                var result = await h.Service.SendAsync(new VerificationRequest(PhoneNumber: spelling));

                // One number or a clear refusal, never a second bucket: a spelling that parses lands in the cooldown
                // of the first send.
                Assert.False(result.Succeeded, $"'{Escape(spelling)}' was sent as a number of its own");
                if (result.Error.Code == VerificationErrorCodes.RateLimitExceeded)
                {
                    Assert.Equal(VerificationErrorReasons.ResendCooldown, result.Error.Reason);
                    Interlocked.Increment(ref accepted);
                }
                else
                {
                    Assert.Contains(result.Error.Code, new[] { VerificationErrorCodes.InvalidPhoneNumber, VerificationErrorCodes.InvalidArgument });
                }
            },
            iter: 600,
            threads: 1);

        output.WriteLine($"Phone spellings: {cases} cases, {accepted} parsed to the one number, the rest refused as invalid");
        Assert.Single(h.Messages);
        Assert.True(accepted > 0, "no spelling parsed at all: the generator is broken");
    }

    [Fact]
    public async Task SendAsync_CaseAndIdnSpellingsOfOneEmail_ShareOneRateLimitBucket()
    {
        var h = new ServiceHarness();
        ResultAssert.Succeeded(await h.Service.SendAsync(new VerificationRequest(Email: "alice@bücher.de")));
        string[] spellings = ["ALICE@bücher.de", "alice@BÜCHER.DE", "alice@xn--bcher-kva.de", "Alice@XN--BCHER-KVA.DE", " alice@bücher.de "];

        foreach (var spelling in spellings)
        {
            var result = await h.Service.SendAsync(new VerificationRequest(Email: spelling));
            Assert.False(result.Succeeded, $"'{spelling}' got a bucket of its own");
            Assert.True(
                result.Error.Code == VerificationErrorCodes.RateLimitExceeded || result.Error.Code == VerificationErrorCodes.InvalidArgument,
                result.ToString());
        }

        Assert.Single(h.Messages);
    }

    [Fact]
    public async Task Endpoints_EveryJsonTypeInEveryField_NeverA500AlwaysTheJsonErrorBody()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.CaptchaRenderer = new RecordingCaptchaRenderer();
            o.Time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ServiceHarness.Start);
        });
        string[] sendFields = ["phone_number", "email", "target", "usage"];
        string[] verifyFields = ["verification_id", "verification_code"];
        string[] captchaFields = ["token", "key"];
        var fieldSets = new[] { ("/auth/v1/verification", sendFields), ("/auth/v1/verification/verify", verifyFields), ("/auth/v1/captcha/data/verify", captchaFields), ("/auth/v1/captcha/data", captchaFields) };
        var bodyGen = Gen.Select(
            Gen.Int[0, fieldSets.Length - 1],
            Hostile.JsonValue.Array[0, 5],
            Gen.Int[0, 9],
            Hostile.Text,
            (endpoint, values, shape, raw) => (endpoint, values, shape, raw));
        var cases = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();

        await bodyGen.SampleAsync(
            async sample =>
            {
                Interlocked.Increment(ref cases);
                var (path, fields) = fieldSets[sample.endpoint];
                byte[] body;
                string? contentType = "application/json";
                switch (sample.shape)
                {
                    case 0:
                        body = Encoding.UTF8.GetBytes(sample.raw ?? string.Empty); // not JSON at all
                        break;
                    case 1:
                        body = [0xFF, 0xFE, 0x00, 0xC3, 0x28, .. Encoding.UTF8.GetBytes(sample.raw ?? string.Empty)]; // invalid UTF-8
                        contentType = "text/plain;charset=UTF-8";
                        break;
                    case 2:
                        body = Encoding.UTF8.GetBytes(sample.values.Length > 0 ? sample.values[0] : "null"); // a bare JSON value
                        break;
                    default:
                        var members = sample.values.Select((v, i) => $"{JsonSerializer.Serialize(fields[i % fields.Length])}:{v}");
                        body = Encoding.UTF8.GetBytes("{" + string.Join(",", members) + "}");
                        contentType = sample.shape == 3 ? "text/plain;charset=UTF-8" : sample.shape == 4 ? null : "application/json";
                        break;
                }

                using var response = await app.PostBytesAsync(path, body, contentType);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    var json = await Json.ReadAsync(response);
                    var error = json.GetProperty("error").GetString()!;
                    Assert.Contains(error, Hostile.DocumentedErrors);
                    Assert.Equal(JsonValueKind.Number, json.GetProperty("error_code").ValueKind);
                }
            },
            iter: 1_200,
            threads: 2);

        output.WriteLine($"HTTP fuzz cases: {cases}; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.Equal(1_200, cases);
        Assert.DoesNotContain(app.Messages, m => !Hostile.IsDeliverableAddress(m.To));
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString()));
}
