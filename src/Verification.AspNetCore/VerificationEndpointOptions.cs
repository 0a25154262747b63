namespace Verification.AspNetCore;

/// <summary>
/// Settings of the HTTP endpoints, read from the <c>Verification:Http</c> configuration section when
/// <c>MapVerificationEndpoints()</c> runs, then adjusted by its <c>configure</c> callback.
/// </summary>
public sealed class VerificationEndpointOptions
{
    /// <summary>The configuration section the options bind from: <c>"Verification:Http"</c>.</summary>
    public const string SectionName = "Verification:Http";

    /// <summary>The largest request body accepted, in bytes; larger bodies answer <c>invalid_argument</c>.</summary>
    public const int MaxRequestBodySize = 4096;

    /// <summary>The route prefix of every endpoint (<c>Verification:Http:RoutePrefix</c>).</summary>
    /// <value>Default <c>"/auth/v1"</c>.</value>
    public string RoutePrefix { get; set; } = "/auth/v1";

    /// <summary>
    /// Browser origins allowed to call the endpoints across origins (<c>Verification:Http:AllowedOrigins</c>),
    /// for example <c>["https://app.example.com"]</c>; <c>["*"]</c> allows every origin.
    /// </summary>
    /// <value>Default empty: no CORS headers are sent, so only same-origin pages and non-browser clients can call.</value>
    public IList<string> AllowedOrigins { get; set; } = new List<string>();
}
