namespace Verification.AspNetCore;

/// <summary>
/// Settings of the HTTP endpoints, in this order of precedence (later wins): the <c>Verification:Http</c>
/// configuration section, then <c>services.Configure&lt;VerificationEndpointOptions&gt;(…)</c>, then the
/// <c>configure</c> callback (and route prefix) given to <c>MapVerificationEndpoints</c>. Validated when the
/// endpoints are mapped, and at start when <c>AddVerificationEndpoints()</c> registered them.
/// </summary>
public sealed class VerificationEndpointOptions
{
    /// <summary>The configuration section the options bind from: <c>"Verification:Http"</c>.</summary>
    public const string SectionName = "Verification:Http";

    /// <summary>The name of the CORS policy of the endpoints mapped at the configured prefix; others get this name and their prefix (<c>"Verification:/tenant-a/auth/v1"</c>).</summary>
    public const string CorsPolicyName = "Verification";

    /// <summary>The largest request body accepted, in bytes; larger bodies answer <c>invalid_argument</c>.</summary>
    public const int MaxRequestBodySize = 4096;

    /// <summary>The route prefix of every endpoint (<c>Verification:Http:RoutePrefix</c>).</summary>
    /// <value>Default <c>"/auth/v1"</c>.</value>
    public string RoutePrefix { get; set; } = "/auth/v1";

    /// <summary>
    /// Browser origins allowed to call the endpoints across origins (<c>Verification:Http:AllowedOrigins</c>),
    /// for example <c>["https://app.example.com"]</c>; <c>["*"]</c> allows every origin. They make the endpoints'
    /// CORS policy, which also admits the origins of the app's default CORS policy and exposes <c>Retry-After</c>.
    /// </summary>
    /// <value>Default empty: only the app's own default policy, if any, admits cross-origin callers.</value>
    public IList<string> AllowedOrigins { get; set; } = new List<string>();

    /// <summary>The shape of error answers (<c>Verification:Http:ErrorFormat</c>): <c>CloudBase</c> or <c>ProblemDetails</c>.</summary>
    /// <value>Default <see cref="VerificationErrorFormat.CloudBase"/>.</value>
    public VerificationErrorFormat ErrorFormat { get; set; } = VerificationErrorFormat.CloudBase;

    /// <summary>
    /// Opt-in (<c>Verification:Http:JsonNotFound</c>): a request under the prefix that no endpoint of the app
    /// matches answers the JSON 404 <c>not_found</c> instead of ASP.NET Core's empty 404. Requests the app's own
    /// endpoints reject (415, 405…) are left alone.
    /// </summary>
    /// <value>Default false.</value>
    public bool JsonNotFound { get; set; }
}
