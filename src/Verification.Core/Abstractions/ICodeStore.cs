namespace Verification;

/// <summary>
/// Everything the engine keeps: pending codes with their charges (<see cref="IPendingCodeStore"/>), single-use marks
/// (<see cref="ISingleUseMarkStore"/>), idempotency values (<see cref="IIdempotencyStore"/>) and rate-limit counters read
/// or charged on their own (<see cref="IRateCounterStore"/>), in one store that
/// <c>AddVerification()</c> registers (in memory by default; Verification.Redis or your own).
/// </summary>
/// <remarks>
/// One class implements all four capabilities, so that a deployment has one place of state; the engine's parts
/// each depend on the one capability they use. To check a custom store, derive a test class from
/// <c>CodeStoreConformanceTests</c> of the Verification.Testing.Stores package.
/// </remarks>
public interface ICodeStore : IPendingCodeStore, ISingleUseMarkStore, IIdempotencyStore, IRateCounterStore;
