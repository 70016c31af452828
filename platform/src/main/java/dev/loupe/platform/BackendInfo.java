package dev.loupe.platform;

import dev.loupe.api.Capability;
import java.util.Set;

/**
 * An installed backend as {@code loupe backends} lists it.
 *
 * @param id the backend id
 * @param description what it loads
 * @param capabilities what its models can do
 */
public record BackendInfo(String id, String description, Set<Capability> capabilities) {
}
