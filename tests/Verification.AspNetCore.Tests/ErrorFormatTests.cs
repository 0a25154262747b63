using System.Net;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Verification.AspNetCore.Tests;

/// <summary>Verification:Http:ErrorFormat, and the rate limiter's rejections in the library's own shape.</summary>
public sealed class ErrorFormatTests
{
    private const string Send = "/auth/v1/verification";
    private static readonly string PhoneJson = $$"""{"phone_number":"{{TestApp.Phone}}"}""";

    [Fact]
    public async Task Send_WithAnErrorDescriptionHoldingApostrophesAndPlus_WritesThemUnescaped()
    {
        await using var app = await TestApp.StartAsync();

        using var refused = await app.PostAsync(Send, """{"phone_number":"15588665555"}""");
        var raw = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("must start with '+' and the country code, for example \\\"+86 15588665555\\\"", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u002B", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_InProblemDetailsModeWhenRateLimited_AnswersProblemJsonWithRetryAfterAndTheExtensions()
    {
        // A fake clock that stands still: the whole 60 s of the cooldown remain, however slow the machine.
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Configuration["Verification:Http:ErrorFormat"] = "ProblemDetails";
            o.Time = new FakeTimeProvider(ServiceHarness.Start);
        });

        await app.SendAsync(PhoneJson);
        using var refused = await app.PostAsync(Send, PhoneJson);

        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(60), refused.Headers.RetryAfter?.Delta);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        var root = problem.RootElement;
        Assert.Equal(429, root.GetProperty("status").GetInt32());
        Assert.Equal("rate_limit_exceeded", root.GetProperty("error").GetString());
        Assert.Equal(4029, root.GetProperty("error_code").GetInt32());
        Assert.Equal("resend_cooldown", root.GetProperty("details").GetProperty("reason").GetString());
        Assert.Equal(60, root.GetProperty("details").GetProperty("retry_after").GetInt64());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Error_InProblemDetailsModeWithAProblemDetailsService_WritesThroughIt()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Endpoints = e => e.ErrorFormat = VerificationErrorFormat.ProblemDetails;
            o.Services = s => s.AddProblemDetails(p => p.CustomizeProblemDetails = c => c.ProblemDetails.Extensions["app"] = "customized");
        });

        using var response = await app.PostAsync(Send, "{}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("customized", problem.RootElement.GetProperty("app").GetString());
        Assert.Equal("invalid_argument", problem.RootElement.GetProperty("error").GetString());
        Assert.Equal("phone_number", problem.RootElement.GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task AppEndpoint_WithVerificationHttpResultsUnderProblemDetailsConfiguration_FollowsTheConfiguredFormat()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Configuration["Verification:Http:ErrorFormat"] = "ProblemDetails";
            o.Services = s => s.AddVerificationEndpoints();
            o.AfterEndpoints = (a, _) => a.MapPost("/signin", () => VerificationHttpResults.Error(new VerificationError(VerificationErrorCodes.InvalidVerificationToken, "Forged.")));
        });

        using var response = await app.PostAsync("/signin", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OnRateLimiterRejected_OnTheGroupsPolicy_AnswersTheLibrarysOwn429()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Services = s => s.AddRateLimiter(r =>
            {
                r.OnRejected = VerificationHttpResults.OnRateLimiterRejected;
                r.AddFixedWindowLimiter("otp", w =>
                {
                    w.PermitLimit = 1;
                    w.Window = TimeSpan.FromMinutes(1);
                    w.QueueLimit = 0;
                });
            });
            o.BeforeEndpoints = a => a.UseRateLimiter();
            o.AfterEndpoints = (_, group) => group.RequireRateLimiting("otp");
        });

        await app.SendAsync(PhoneJson);
        using var limited = await app.PostAsync(Send, $$"""{"email":"{{TestApp.Email}}"}""");

        var body = await Json.AssertErrorAsync(limited, (HttpStatusCode)429, "rate_limit_exceeded", 4029);
        var seconds = limited.Headers.RetryAfter?.Delta?.TotalSeconds;
        Assert.InRange(seconds ?? 0, 1, 60);
        Assert.Equal(seconds?.ToString(System.Globalization.CultureInfo.InvariantCulture), Json.Detail(body, "retry_after"));
        Assert.Equal("no-store", limited.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task OnRateLimiterRejected_WithALeaseWithoutRetryAfter_StillSendsRetryAfter()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Services = s => s.AddRateLimiter(r =>
            {
                r.OnRejected = VerificationHttpResults.OnRateLimiterRejected;
                r.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.Get("all", _ => new RefusingLimiter()));
            });
            o.BeforeEndpoints = a => a.UseRateLimiter();
        });

        using var limited = await app.PostAsync(Send, PhoneJson);

        await Json.AssertErrorAsync(limited, (HttpStatusCode)429, "rate_limit_exceeded", 4029);
        Assert.Equal(TimeSpan.FromSeconds(1), limited.Headers.RetryAfter?.Delta);
    }

    /// <summary>Refuses every request with a lease that carries no metadata, as a concurrency limiter's does.</summary>
    private sealed class RefusingLimiter : RateLimiter
    {
        public override TimeSpan? IdleDuration => null;

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => new Refused();

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) => new(new Refused());

        private sealed class Refused : RateLimitLease
        {
            public override bool IsAcquired => false;

            public override IEnumerable<string> MetadataNames => [];

            public override bool TryGetMetadata(string metadataName, out object? metadata)
            {
                metadata = null;
                return false;
            }
        }
    }
}
