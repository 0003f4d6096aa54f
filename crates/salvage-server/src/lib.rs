//! The HTTP faces of salvage: the REST API, the infoRouter `/srv.asmx` and Scene7 IPS SOAP
//! services and the web UI. Each face maps its wire format to calls on
//! `salvage_core::Repository` and the core's errors back to its own conventions; business rules
//! stay in the core. The faces arrive with the HTTP server.
