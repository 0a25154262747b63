using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Verification.AspNetCore;

/// <summary>
/// Writes the documented JSON bodies: successes with exactly the documented fields, errors as
/// <c>{"error", "error_code", "error_description", "details"}</c> with their status and <c>Retry-After</c>.
/// Use it in the host's own endpoints (sign-up, sign-in) so every answer has one shape.
/// </summary>
public static class VerificationHttpResults
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>An <see cref="IResult"/> that writes <paramref name="error"/> with its HTTP status.</summary>
    /// <param name="error">The error.</param>
    public static IResult Error(VerificationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new ErrorResult(error);
    }

    internal static Task WriteErrorAsync(HttpResponse response, VerificationError error)
    {
        response.StatusCode = error.HttpStatus;
        if (error.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = RetryAfterSeconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        }

        return WriteJsonAsync(response, error, static (writer, e) =>
        {
            writer.WriteString("error", e.Code);
            writer.WriteNumber("error_code", e.Number);
            writer.WriteString("error_description", e.Description);
            if (e.Field is not null || e.Reason is not null || e.RetryAfter is not null || e.AttemptsRemaining is not null)
            {
                writer.WriteStartObject("details");
                if (e.Field is not null)
                {
                    writer.WriteString("field", e.Field);
                }

                if (e.Reason is not null)
                {
                    writer.WriteString("reason", e.Reason);
                }

                if (e.RetryAfter is { } wait)
                {
                    writer.WriteNumber("retry_after", RetryAfterSeconds(wait));
                }

                if (e.AttemptsRemaining is { } attempts)
                {
                    writer.WriteNumber("attempts_remaining", attempts);
                }

                writer.WriteEndObject();
            }
        });
    }

    internal static Task WriteAsync(HttpResponse response, VerificationResponse value) =>
        WriteJsonAsync(response, value, static (writer, v) =>
        {
            writer.WriteString("verification_id", v.VerificationId);
            writer.WriteNumber("expires_in", v.ExpiresIn);
            if (v.IsUser is { } isUser)
            {
                writer.WriteBoolean("is_user", isUser);
            }
        });

    internal static Task WriteAsync(HttpResponse response, VerifyResponse value) =>
        WriteJsonAsync(response, value, static (writer, v) =>
        {
            writer.WriteString("verification_token", v.VerificationToken);
            writer.WriteNumber("expires_in", v.ExpiresIn);
        });

    internal static Task WriteAsync(HttpResponse response, CaptchaChallenge value) =>
        WriteJsonAsync(response, value, static (writer, v) =>
        {
            writer.WriteString("data", v.Data);
            writer.WriteString("type", v.Type);
            writer.WriteString("token", v.Token);
            writer.WriteNumber("expires_in", v.ExpiresIn);
        });

    internal static Task WriteAsync(HttpResponse response, CaptchaSolution value) =>
        WriteJsonAsync(response, value, static (writer, v) =>
        {
            writer.WriteString("captcha_token", v.CaptchaToken);
            writer.WriteNumber("expires_in", v.ExpiresIn);
        });

    /// <summary>Whole seconds to wait, rounded up so that a client never retries too early.</summary>
    internal static long RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));

    private static async Task WriteJsonAsync<T>(HttpResponse response, T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        await using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            write(writer, value);
            writer.WriteEndObject();
        }

        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = buffer.WrittenCount;
        response.Headers.CacheControl = "no-store";
        await response.Body.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
    }

    private sealed class ErrorResult(VerificationError error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteErrorAsync(httpContext.Response, error);
    }
}
