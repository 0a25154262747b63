using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using System.Threading.RateLimiting;

namespace Verification.AspNetCore;

/// <summary>
/// The answers of the HTTP API as <see cref="IResult"/>s: the success bodies with exactly the documented fields,
/// and errors with their status, <c>Retry-After</c> and body in the configured <see cref="VerificationErrorFormat"/>.
/// Use them in the app's own endpoints (sign-up, sign-in, another tenant's) so that every answer has one shape.
/// </summary>
public static class VerificationHttpResults
{
    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>200 with <c>{"verification_id", "expires_in", "is_user"?}</c>.</summary>
    /// <param name="value">What the send answered.</param>
    public static IResult Ok(VerificationResponse value) => Json(value, VerificationJsonContext.Readable.VerificationResponse);

    /// <summary>200 with <c>{"verification_token", "expires_in"}</c>.</summary>
    /// <param name="value">What the verify answered.</param>
    public static IResult Ok(VerifyResponse value) => Json(value, VerificationJsonContext.Readable.VerifyResponse);

    /// <summary>200 with <c>{"data", "type", "token", "expires_in"}</c>.</summary>
    /// <param name="value">A new image captcha challenge.</param>
    public static IResult Ok(CaptchaChallenge value) => Json(value, VerificationJsonContext.Readable.CaptchaChallenge);

    /// <summary>200 with <c>{"captcha_token", "expires_in"}</c>.</summary>
    /// <param name="value">A solved challenge.</param>
    public static IResult Ok(CaptchaSolution value) => Json(value, VerificationJsonContext.Readable.CaptchaSolution);

    /// <summary>200 with <paramref name="value"/> written by <paramref name="typeInfo"/>, uncached, as the library's successes are.</summary>
    /// <typeparam name="T">The body type.</typeparam>
    /// <param name="value">The body.</param>
    /// <param name="typeInfo">Its JSON metadata, for example from the app's own <c>JsonSerializerContext</c>.</param>
    public static IResult Json<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return new JsonBodyResult<T>(value, typeInfo);
    }

    /// <summary>
    /// <paramref name="error"/> with its HTTP status and, when it has a wait, <c>Retry-After</c>; the body is the
    /// error format of the endpoint's <c>MapVerificationEndpoints</c> group, or of <c>Verification:Http:ErrorFormat</c>.
    /// </summary>
    /// <param name="error">The error.</param>
    public static IResult Error(VerificationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new ErrorResult(VerificationHttpErrorCodes.GetHttpStatus(error), VerificationErrorBody.From(error), error.RetryAfter);
    }

    /// <summary>The success of <paramref name="result"/>, or its error.</summary>
    /// <param name="result">What the send answered.</param>
    public static IResult From(VerificationResult<VerificationResponse> result) =>
        Check(result).Succeeded ? Ok(result.Value!) : Error(result.Error!);

    /// <summary>The success of <paramref name="result"/>, or its error.</summary>
    /// <param name="result">What the verify answered.</param>
    public static IResult From(VerificationResult<VerifyResponse> result) =>
        Check(result).Succeeded ? Ok(result.Value!) : Error(result.Error!);

    /// <summary>The success of <paramref name="result"/>, or its error.</summary>
    /// <param name="result">What the captcha challenge answered.</param>
    public static IResult From(VerificationResult<CaptchaChallenge> result) =>
        Check(result).Succeeded ? Ok(result.Value!) : Error(result.Error!);

    /// <summary>The success of <paramref name="result"/>, or its error.</summary>
    /// <param name="result">What the captcha check answered.</param>
    public static IResult From(VerificationResult<CaptchaSolution> result) =>
        Check(result).Succeeded ? Ok(result.Value!) : Error(result.Error!);

    /// <summary>
    /// For <c>RateLimiterOptions.OnRejected</c>: answers the library's own 429 <c>rate_limit_exceeded</c> (status,
    /// body in the configured format, <c>Retry-After</c> from the limiter's lease, at least 1 second when it gives none),
    /// so that ASP.NET Core's rate limiter and the library's limits look the same to a client.
    /// </summary>
    /// <param name="context">The rejected request and its lease.</param>
    /// <param name="cancellationToken">Unused; the write follows the request's own abort.</param>
    /// <example><code>builder.Services.AddRateLimiter(o => o.OnRejected = VerificationHttpResults.OnRateLimiterRejected);</code></example>
    public static ValueTask OnRateLimiterRejected(OnRejectedContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var error = new VerificationError(VerificationErrorCodes.RateLimitExceeded, "Too many requests; try again later.") { RetryAfter = wait };
        return new ValueTask(Error(error).ExecuteAsync(context.HttpContext));
    }

    /// <summary>
    /// The JSON 404 <c>not_found</c> ("No endpoint exists at this path."), for example as the app's fallback:
    /// <c>app.MapFallback(() =&gt; VerificationHttpResults.NotFound())</c>.
    /// </summary>
    public static IResult NotFound() =>
        HttpOnlyError(VerificationHttpErrorCodes.NotFound, VerificationHttpErrorCodes.NotFoundNumber, "No endpoint exists at this path.");

    internal static IResult HttpOnlyError(string code, int number, string description) =>
        new ErrorResult(VerificationHttpErrorCodes.GetHttpStatus(code), new VerificationErrorBody(code, number, description), null);

    private static VerificationResult<T> Check<T>(VerificationResult<T> result)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(result);
        return result;
    }

    /// <summary>The error format of the endpoint's group, else of the registered options, else CloudBase.</summary>
    private static VerificationErrorFormat FormatOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<VerificationEndpointMetadata>()?.ErrorFormat
        ?? context.RequestServices?.GetService<IOptions<VerificationEndpointOptions>>()?.Value.ErrorFormat
        ?? VerificationErrorFormat.CloudBase;

    private sealed class JsonBodyResult<T>(T value, JsonTypeInfo<T> typeInfo) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => StatusCodes.Status200OK;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            return PooledJsonWriter.WriteAsync(httpContext.Response, value, typeInfo, JsonContentType);
        }
    }

    private sealed class ErrorResult(int status, VerificationErrorBody body, TimeSpan? retryAfter) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => status;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var response = httpContext.Response;
            response.StatusCode = status;
            if (retryAfter is { } wait)
            {
                response.Headers.RetryAfter = VerificationErrorDetails.RetryAfterSeconds(wait).ToString(CultureInfo.InvariantCulture);
            }

            if (FormatOf(httpContext) == VerificationErrorFormat.ProblemDetails)
            {
                response.Headers.CacheControl = "no-store";
                return Problem().ExecuteAsync(httpContext);
            }

            return PooledJsonWriter.WriteAsync(response, body, VerificationJsonContext.Readable.VerificationErrorBody, JsonContentType);
        }

        /// <summary>RFC 9457, through the app's IProblemDetailsService when it has one.</summary>
        private ProblemHttpResult Problem()
        {
            var problem = new ProblemDetails
            {
                Status = status,
                Title = ReasonPhrases.GetReasonPhrase(status),
                Detail = body.ErrorDescription,
            };
            problem.Extensions[WireFields.Error] = body.Error;
            problem.Extensions[WireFields.ErrorCode] = body.ErrorCode;
            if (body.Details is not null)
            {
                // A JsonElement, which every ProblemDetails writer can serialize without reflection.
                problem.Extensions[WireFields.Details] = JsonSerializer.SerializeToElement(body.Details, VerificationJsonContext.Default.VerificationErrorDetails);
            }

            return TypedResults.Problem(problem);
        }
    }
}
