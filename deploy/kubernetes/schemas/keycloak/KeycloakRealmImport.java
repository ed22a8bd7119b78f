// The KeycloakRealmImport resource as the Keycloak Operator 26.7.3 declares it (k8s.keycloak.org/v2beta1): its
// `realm` is Keycloak's own RealmRepresentation, so the schema generated from this class by Fabric8's CRD generator
// (the operator's build does the same) checks every field of the realm realm.py renders. Compiled only to generate
// keycloak-realmimport-crd.yaml (the commands are at the top of that file); nothing runs it.
package pembinaan.schemas;

import java.util.Map;

import org.keycloak.representations.idm.ComponentExportRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.authorization.ScopeRepresentation;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.SchemaSwap;

import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

@Group("k8s.keycloak.org")
@Version("v2beta1")
@Plural("keycloakrealmimports")
// the representation's cycles cut where the operator cuts them: nested groups and components ten deep, an
// authorization scope's policies and resources left out; client profiles and policies are free-form JSON
@SchemaSwap(originalType = GroupRepresentation.class, fieldName = "subGroups", depth = 10)
@SchemaSwap(originalType = ComponentExportRepresentation.class, fieldName = "subComponents", depth = 10)
@SchemaSwap(originalType = ScopeRepresentation.class, fieldName = "policies")
@SchemaSwap(originalType = ScopeRepresentation.class, fieldName = "resources")
@SchemaSwap(originalType = RealmRepresentation.class, fieldName = "clientProfiles", targetType = JsonNode.class)
@SchemaSwap(originalType = RealmRepresentation.class, fieldName = "clientPolicies", targetType = JsonNode.class)
public class KeycloakRealmImport extends CustomResource<KeycloakRealmImport.Spec, Void> implements Namespaced {

    public static class Spec {
        @Required
        public String keycloakCRName;
        @Required
        public RealmRepresentation realm;
        public ResourceRequirements resources;
        public Map<String, Placeholder> placeholders;
        public Map<String, String> labels;
    }

    public static class Placeholder {
        public SecretKeySelector secret;
    }
}
