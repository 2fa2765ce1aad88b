package dev.scalewatch.app.embedded;

import dev.scalewatch.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.Endpoint;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.server.authorizer.AclCreateResult;
import org.apache.kafka.server.authorizer.AclDeleteResult;
import org.apache.kafka.server.authorizer.Action;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;
import org.apache.kafka.server.authorizer.AuthorizationResult;
import org.apache.kafka.server.authorizer.Authorizer;
import org.apache.kafka.server.authorizer.AuthorizerServerInfo;

/**
 * The embedded broker's authorizer: allows everything, except writes to {@code scalewatch.raw}
 * while the stack refuses new events (a disk nearly full, see {@link DiskGuard}).
 *
 * <p>Kafka has no disk quota and no retriable way to refuse a produce request on a one-replica
 * topic ({@code min.insync.replicas} is capped at the replica count), so the refusal is an
 * authorization failure: the broker appends nothing and the producer gets {@code
 * TOPIC_AUTHORIZATION_FAILED} for that topic; the Python SDK spools and retries. The broker
 * instantiates this class itself; it finds its gate, registered by {@link #register}, through the
 * broker property {@link #GATE_CONFIG}, so several brokers in one JVM (tests) keep theirs apart.
 * Keeps no ACLs.
 */
public final class RawWriteAuthorizer implements Authorizer {

  static final String GATE_CONFIG = "scalewatch.raw.writes.gate";
  private static final Map<String, BooleanSupplier> GATES = new ConcurrentHashMap<>();

  private BooleanSupplier open = () -> true;

  /** Registers a gate (true while writes to the raw topic are allowed); returns its id. */
  static String register(BooleanSupplier gate) {
    String id = UUID.randomUUID().toString();
    GATES.put(id, gate);
    return id;
  }

  static void unregister(String id) {
    GATES.remove(id);
  }

  @Override
  public void configure(Map<String, ?> configs) {
    Object id = configs.get(GATE_CONFIG);
    BooleanSupplier gate = id == null ? null : GATES.get(id.toString());
    if (gate == null) {
      throw new IllegalStateException("no raw-writes gate registered as " + GATE_CONFIG + "=" + id);
    }
    open = gate;
  }

  @Override
  public Map<Endpoint, ? extends CompletionStage<Void>> start(AuthorizerServerInfo serverInfo) {
    return serverInfo.endpoints().stream()
        .collect(
            Collectors.toMap(
                Function.identity(), endpoint -> CompletableFuture.<Void>completedFuture(null)));
  }

  @Override
  public List<AuthorizationResult> authorize(
      AuthorizableRequestContext context, List<Action> actions) {
    return actions.stream().map(this::authorize).toList();
  }

  private AuthorizationResult authorize(Action action) {
    boolean rawWrite =
        action.operation() == AclOperation.WRITE
            && action.resourcePattern().resourceType() == ResourceType.TOPIC
            && Topics.RAW.equals(action.resourcePattern().name());
    return rawWrite && !open.getAsBoolean()
        ? AuthorizationResult.DENIED
        : AuthorizationResult.ALLOWED;
  }

  @Override
  public AuthorizationResult authorizeByResourceType(
      AuthorizableRequestContext context, AclOperation operation, ResourceType resourceType) {
    return AuthorizationResult.ALLOWED;
  }

  @Override
  public List<? extends CompletionStage<AclCreateResult>> createAcls(
      AuthorizableRequestContext context, List<AclBinding> bindings) {
    return bindings.stream()
        .map(b -> CompletableFuture.completedFuture(new AclCreateResult(noAcls())))
        .toList();
  }

  @Override
  public List<? extends CompletionStage<AclDeleteResult>> deleteAcls(
      AuthorizableRequestContext context, List<AclBindingFilter> filters) {
    return filters.stream()
        .map(f -> CompletableFuture.completedFuture(new AclDeleteResult(noAcls())))
        .toList();
  }

  @Override
  public Iterable<AclBinding> acls(AclBindingFilter filter) {
    return List.of();
  }

  @Override
  public void close() {}

  private static InvalidRequestException noAcls() {
    return new InvalidRequestException("the embedded ScaleWatch broker keeps no ACLs");
  }
}
