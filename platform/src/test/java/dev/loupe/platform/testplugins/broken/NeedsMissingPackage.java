package dev.loupe.platform.testplugins.broken;

/** Test bundle content; the bundle's manifest imports a package nothing exports. */
public class NeedsMissingPackage {
}
