package io.rapport;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableAsync;

/** Rapport server: one Spring Boot modular monolith, one package per business capability. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableAsync
public class RapportApplication {

    public static void main(String[] args) {
        SpringApplication.run(RapportApplication.class, args);
    }
}
