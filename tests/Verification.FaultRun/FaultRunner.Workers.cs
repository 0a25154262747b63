using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Verification.FaultRun;

public static partial class FaultRunner
{
    private sealed class PendingCode(string verificationId, string code)
    {
        public string VerificationId { get; } = verificationId;

        public string Code { get; } = code;

        public volatile bool Verified;

        public volatile bool VerifyInDoubt;
    }

    private static async Task RunWorkersAsync(
        AppHost app,
        FaultRunOptions options,
        FaultRunReport report,
        string phonePrefix,
        DeliveryLog deliveries,
        bool expectStoreFaults,
        CancellationToken cancellationToken,
        Action<PendingCode, TimeSpan>? onSent = null,
        PhaseProgress? progress = null)
    {
        progress ??= new PhaseProgress(options);
        // Each worker owns its numbers and sends one at a time, so the count for a number changes only through that
        // worker's own send.
        int DeliveredTo(string e164, out string? lastBody) => deliveries.CountTo(e164, out lastBody);

        async Task WorkerAsync(int worker)
        {
            using var client = app.CreateClient();
            var number = 0;
            var retrySameAfterFailure = false;
            while (!cancellationToken.IsCancellationRequested && progress.TryTake())
            {
                if (!retrySameAfterFailure)
                {
                    number++;
                }

                var national = $"{phonePrefix}{worker % 100:D2}{number % 1_000_000:D6}";
                var e164 = "+86" + national;
                var before = DeliveredTo(e164, out _);
                var started = progress.Elapsed;
                var (status, body) = await TimedAsync(client, report, "send", "/auth/v1/verification", new { phone_number = "+86 " + national }, cancellationToken);
                var after = DeliveredTo(e164, out var messageBody);
                var wasRetry = retrySameAfterFailure;
                retrySameAfterFailure = false;
                if (status == HttpStatusCode.OK)
                {
                    if (after - before != 1)
                    {
                        report.Violation($"a send answered 200 but {after - before} messages went out");
                        continue;
                    }

                    var verificationId = JsonDocument.Parse(body).RootElement.GetProperty("verification_id").GetString()!;
                    var code = new PendingCode(verificationId, ExtractCode(messageBody!));
                    onSent?.Invoke(code, started);
                    if (number % 5 == 0)
                    {
                        var wrong = code.Code[..^1] + (char)('0' + ((code.Code[^1] - '0' + 1) % 10));
                        var (wrongStatus, wrongBody) = await TimedAsync(client, report, "verify", "/auth/v1/verification/verify", new { verification_id = verificationId, verification_code = wrong }, cancellationToken);
                        if (wrongStatus == HttpStatusCode.OK)
                        {
                            report.Violation("a wrong code verified");
                        }
                        else if (wrongStatus != HttpStatusCode.BadRequest && !(expectStoreFaults && wrongStatus == HttpStatusCode.ServiceUnavailable))
                        {
                            report.Violation($"a wrong code got {(int)wrongStatus} {wrongBody}");
                        }
                    }

                    var (verifyStatus, verifyBody) = await TimedAsync(client, report, "verify", "/auth/v1/verification/verify", new { verification_id = verificationId, verification_code = code.Code }, cancellationToken);
                    if (verifyStatus == HttpStatusCode.OK)
                    {
                        code.Verified = true;
                    }
                    else if (expectStoreFaults && verifyStatus == HttpStatusCode.ServiceUnavailable)
                    {
                        code.VerifyInDoubt = true; // tried again once the store is back
                    }
                    else
                    {
                        report.Violation($"the delivered code of a 200 send did not verify: {(int)verifyStatus} {verifyBody}");
                    }
                }
                else
                {
                    if (after != before)
                    {
                        report.Violation($"a send answered {(int)status} {ErrorOf(body)} but a message went out (sent without a stored record)");
                    }

                    if (status == HttpStatusCode.ServiceUnavailable)
                    {
                        // Refund: the very next send to this number must not meet the cooldown.
                        retrySameAfterFailure = true;

                        // A store that is down now fails at once (the Redis client fails fast instead of queueing), so
                        // back off as a real client would: a tight retry loop would spend the phase's whole request
                        // budget before Redis is restarted, and the recovery would never be exercised.
                        await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken).ConfigureAwait(false);
                    }
                    else if (status == HttpStatusCode.TooManyRequests && ErrorReason(body) == "resend_cooldown" && wasRetry && !expectStoreFaults)
                    {
                        report.Violation("a failed send's cooldown was not refunded: the retry met resend_cooldown");
                    }
                    else if (!expectStoreFaults || status != HttpStatusCode.TooManyRequests)
                    {
                        report.Violation($"unexpected answer to a send: {(int)status} {body}");
                    }

                    if (wasRetry && status != HttpStatusCode.TooManyRequests)
                    {
                        Interlocked.Increment(ref report.RefundChecks);
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Workers).Select(w => Task.Run(() => WorkerAsync(w), CancellationToken.None)));
    }

    private static async Task<(HttpStatusCode Status, string Body)> TimedAsync(HttpClient client, FaultRunReport report, string kind, string path, object payload, CancellationToken cancellationToken)
    {
        var timer = Stopwatch.StartNew();
        HttpStatusCode status;
        string body;
        try
        {
            (status, body) = await PostAsync(client, path, payload, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            report.Answer(kind, "no answer", timer.Elapsed);
            report.Violation($"{kind}: no answer within {client.Timeout.TotalSeconds:F0} s ({e.GetType().Name})");
            return (0, string.Empty);
        }

        var elapsed = timer.Elapsed;
        var error = ErrorOf(body);
        report.Answer(kind, status == HttpStatusCode.OK ? "200" : $"{(int)status} {error}/{ErrorReason(body)}", elapsed);
        if (elapsed > AnswerBound)
        {
            report.Violation($"{kind}: answered after {elapsed.TotalSeconds:F1} s, more than {AnswerBound.TotalSeconds:F0} s");
        }

        if ((int)status >= 500 && status != HttpStatusCode.ServiceUnavailable)
        {
            report.Violation($"{kind}: {(int)status} {body}");
        }
        else if (status != HttpStatusCode.OK && (error is null || !Documented.Contains(error)))
        {
            report.Violation($"{kind}: undocumented answer {(int)status} {body}");
        }

        return (status, body);
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient client, string path, object payload, CancellationToken cancellationToken)
    {
        using var content = new StringContent(JsonSerializer.Serialize(payload), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private static string? ErrorOf(string body) => Property(body, "error", null);

    private static string? ErrorReason(string body) => Property(body, "details", "reason");

    private static string? Property(string body, string name, string? inner)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty(name, out var value))
            {
                return null;
            }

            if (inner is not null)
            {
                return value.ValueKind == JsonValueKind.Object && value.TryGetProperty(inner, out var nested) ? nested.GetString() : null;
            }

            return value.GetString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string ExtractCode(string body) =>
        System.Text.RegularExpressions.Regex.Match(body, "[0-9]{10}").Value;

    /// <summary>No code, token or credential in any log line; contacts only masked.</summary>
    private static void CheckLogs(LogCapture logs, DeliveryLog deliveries, FaultRunReport report)
    {
        var codes = deliveries.Codes;
        var numbers = deliveries.NationalNumbers;
        foreach (var line in logs.Lines)
        {
            if (line.Text.Contains(ProviderStandIn.AuthToken, StringComparison.Ordinal) || line.Text.Contains(AppHost.HashKey, StringComparison.Ordinal))
            {
                report.Violation($"a credential in the log line {line.EventId}");
            }

            foreach (System.Text.RegularExpressions.Match run in System.Text.RegularExpressions.Regex.Matches(line.Text, "[0-9]{11}"))
            {
                if (numbers.Contains(run.Value))
                {
                    report.Violation($"an unmasked phone number in the log line {line.EventId}");
                }
            }

            foreach (System.Text.RegularExpressions.Match run in System.Text.RegularExpressions.Regex.Matches(line.Text, "[0-9]{10}"))
            {
                if (codes.Contains(run.Value))
                {
                    report.Violation($"a code in the log line {line.EventId}");
                }
            }

            if (line.Text.Contains("eyJ", StringComparison.Ordinal))
            {
                report.Violation($"a token in the log line {line.EventId}");
            }
        }
    }
}
