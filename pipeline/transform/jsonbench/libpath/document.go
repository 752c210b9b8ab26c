package libpath

// The document as Go types, for the library's encoder. Optional members
// are pointers or omitempty, so that absent and empty stay apart as in the
// engine's documents.

type document struct {
	Timestamp   string        `json:"@timestamp"`
	Message     *string       `json:"message,omitempty"`
	Event       eventGroup    `json:"event"`
	ECS         ecsGroup      `json:"ecs"`
	Agent       agentGroup    `json:"agent"`
	User        *userGroup    `json:"user,omitempty"`
	Source      *endpointDoc  `json:"source,omitempty"`
	Destination *endpointDoc  `json:"destination,omitempty"`
	Related     *relatedGroup `json:"related,omitempty"`
	Error       *errorGroup   `json:"error,omitempty"`
	Cloud       cloudGroup    `json:"cloud"`
	Atlas       atlasGroup    `json:"atlas"`
	Aspaudit    *cutGroup     `json:"aspaudit,omitempty"`
	MongoDB     *mongoGroup   `json:"mongodb,omitempty"`
	OCSF        *ocsfGroup    `json:"ocsf,omitempty"`
}

type eventGroup struct {
	Kind     string   `json:"kind"`
	ID       string   `json:"id"`
	Category []string `json:"category,omitempty"`
	Type     []string `json:"type,omitempty"`
	Action   *string  `json:"action,omitempty"`
	Outcome  string   `json:"outcome,omitempty"`
	Code     *string  `json:"code,omitempty"`
	Reason   *string  `json:"reason,omitempty"`
	Severity *int64   `json:"severity,omitempty"`
	Dataset  string   `json:"dataset"`
	Module   string   `json:"module"`
	Ingested string   `json:"ingested"`
	Original *string  `json:"original,omitempty"`
}

type ecsGroup struct {
	Version string `json:"version"`
}

type agentGroup struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type userGroup struct {
	ID     *string   `json:"id,omitempty"`
	Name   *string   `json:"name,omitempty"`
	Domain *string   `json:"domain,omitempty"`
	Roles  []string  `json:"roles,omitempty"`
	Target *userDocs `json:"target,omitempty"`
}

type userDocs struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Domain *string `json:"domain,omitempty"`
}

type endpointDoc struct {
	Address *string `json:"address,omitempty"`
	IP      *string `json:"ip,omitempty"`
	Port    *int64  `json:"port,omitempty"`
	Domain  *string `json:"domain,omitempty"`
}

type relatedGroup struct {
	IP   []string `json:"ip,omitempty"`
	User []string `json:"user,omitempty"`
}

type errorGroup struct {
	Message string `json:"message"`
}

type idGroup struct {
	ID string `json:"id"`
}

type nameGroup struct {
	Name string `json:"name"`
}

type cloudGroup struct {
	Provider string    `json:"provider,omitempty"`
	Region   string    `json:"region,omitempty"`
	Project  *idGroup  `json:"project,omitempty"`
	Service  nameGroup `json:"service"`
}

type atlasGroup struct {
	Project        *idGroup      `json:"project,omitempty"`
	Streams        streamsGroup  `json:"streams"`
	Connection     *idGroup      `json:"connection,omitempty"`
	Authentication *mechanismDoc `json:"authentication,omitempty"`
}

type streamsGroup struct {
	Workspace   string  `json:"workspace,omitempty"`
	Processor   *string `json:"processor,omitempty"`
	AuditSchema string  `json:"audit_schema,omitempty"`
}

type mechanismDoc struct {
	Mechanism string `json:"mechanism"`
}

type cutGroup struct {
	TruncatedFields []string `json:"truncated_fields"`
}

type mongoGroup struct {
	Audit mongoAudit `json:"audit"`
}

type nameDoc struct {
	User *string `json:"user,omitempty"`
	Role *string `json:"role,omitempty"`
	DB   *string `json:"db,omitempty"`
}

type systemUserDoc struct {
	IsSystemUser bool `json:"is_system_user"`
}

type mongoAudit struct {
	Atype         *string        `json:"atype,omitempty"`
	Result        *int64         `json:"result,omitempty"`
	UUID          *string        `json:"uuid,omitempty"`
	Param         any            `json:"param,omitempty"`
	Users         []nameDoc      `json:"users,omitempty"`
	Roles         []nameDoc      `json:"roles,omitempty"`
	Intermediates []endpointDoc  `json:"intermediates,omitempty"`
	Local         *systemUserDoc `json:"local,omitempty"`
	Remote        *systemUserDoc `json:"remote,omitempty"`
	Extra         any            `json:"extra,omitempty"`
}

type uidDoc struct {
	UID string `json:"uid"`
}

type apiDoc struct {
	Operation *string `json:"operation,omitempty"`
	Request   any     `json:"request,omitempty"`
	Response  any     `json:"response,omitempty"`
}

type ocsfGroup struct {
	ClassUID     *int64  `json:"class_uid,omitempty"`
	CategoryUID  *int64  `json:"category_uid,omitempty"`
	ActivityID   *int64  `json:"activity_id,omitempty"`
	TypeUID      *int64  `json:"type_uid,omitempty"`
	SeverityID   *int64  `json:"severity_id,omitempty"`
	StatusID     *int64  `json:"status_id,omitempty"`
	AuthProtocol *string `json:"auth_protocol,omitempty"`
	User         *uidDoc `json:"user,omitempty"`
	API          *apiDoc `json:"api,omitempty"`
	Metadata     any     `json:"metadata,omitempty"`
	Unmapped     any     `json:"unmapped,omitempty"`
	Extra        any     `json:"extra,omitempty"`
}
